"""The ledger import wizard (web/import_wizard.py): a county's laborer ledger."""

from api.jobs import handlers
from api.supply import imports
from api.supply.service import require_county_writer
from web.import_wizard import ImportKind, wizard

router = wizard(
    ImportKind(
        prefix="/laborers/import",
        templates="laborers",
        imports=imports,
        require=require_county_writer,
        preview_job=handlers.LABORER_PREVIEW,
        commit_job=handlers.LABORER_COMMIT,
    )
)
