"""The vacancy list (岗位信息汇总表) import wizard (web/import_wizard.py)."""

from api.demand import imports
from api.demand.service import require_poster
from api.jobs import handlers
from web.import_wizard import ImportKind, wizard

router = wizard(
    ImportKind(
        prefix="/vacancies/import",
        templates="demand",
        imports=imports,
        require=require_poster,
        preview_job=handlers.VACANCY_PREVIEW,
        commit_job=handlers.VACANCY_COMMIT,
    )
)
