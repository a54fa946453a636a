"""The kinds of background work: ledger and vacancy-list imports (check, then save),
and monthly verification lists.

Each handler runs in the job creator's context, rebuilt by the runner, and calls the
same import services the API uses; a rejected file comes back annotated."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import date

from api.demand import imports as vacancy_imports
from api.errors import FieldError
from api.i18n import _
from api.jobs import workbook
from api.jobs.runner import Outcome, Work, handler
from api.placements import verification_import
from api.progress import Progress
from api.supply import imports as laborer_imports
from shared_models.enums import EvidenceSource

LABORER_PREVIEW = "laborers.preview"
LABORER_COMMIT = "laborers.commit"
VACANCY_PREVIEW = "vacancies.preview"
VACANCY_COMMIT = "vacancies.commit"
VERIFICATION_IMPORT = "verifications.import"


def _with_total(progress: Progress, total: int) -> Progress:
    """The row checks report rows done without a total: give them the file's count."""

    def report(stage: str, done: int, stage_total: int) -> None:
        progress(stage, done, stage_total or (total if stage == "check" else 0))

    return report


def _checked(work: Work, url: str, ok: bool, errors: Sequence[FieldError], data: bytes) -> Outcome:
    if ok:
        return Outcome(message=_("Every row passed the checks."), outcome_url=url)
    result = workbook.annotated(data, work.filename or "", errors)
    return Outcome(
        message=_("{count} problems were found; nothing was saved."),
        message_params={"count": len(errors)},
        outcome_url=url,
        result=result,
        result_name=workbook.result_name(work.filename),
    )


@handler(LABORER_PREVIEW)
def laborer_preview(work: Work) -> Outcome:
    data = work.upload()
    filename = work.filename or ""
    rows = workbook.row_count(data, filename)
    work.progress("check", 0, rows)
    batch, plan = laborer_imports.run(
        work.session,
        work.access,
        work.tools.cipher,
        work.tools.uploads,
        data,
        filename,
        dry_run=True,
        progress=_with_total(work.progress, rows),
    )
    batch.summary = {**(batch.summary or {}), "job_id": str(work.job_id)}
    return _checked(work, f"/laborers/import/{batch.id}", plan.ok, plan.errors, data)


@handler(LABORER_COMMIT)
def laborer_commit(work: Work) -> Outcome:
    batch_id = uuid.UUID(work.params["batch_id"])
    _batch, plan = laborer_imports.commit(
        work.session,
        work.access,
        work.tools.cipher,
        work.tools.uploads,
        batch_id,
        progress=work.progress,
    )
    return _saved(plan.summary(), f"/laborers/import/{batch_id}")


@handler(VACANCY_PREVIEW)
def vacancy_preview(work: Work) -> Outcome:
    data = work.upload()
    batch, plan = vacancy_imports.run(
        work.session, work.access, work.tools.uploads, data, work.filename or "", dry_run=True
    )
    batch.summary = {**(batch.summary or {}), "job_id": str(work.job_id)}
    return _checked(work, f"/vacancies/import/{batch.id}", plan.ok, plan.errors, data)


@handler(VACANCY_COMMIT)
def vacancy_commit(work: Work) -> Outcome:
    batch_id = uuid.UUID(work.params["batch_id"])
    _batch, plan = vacancy_imports.commit(work.session, work.access, work.tools.uploads, batch_id)
    return _saved(plan.summary(), f"/vacancies/import/{batch_id}")


def _saved(summary: Mapping[str, int], url: str) -> Outcome:
    return Outcome(
        message=_("Saved: {new} new, {updated} updated, {unchanged} unchanged."),
        message_params={k: summary.get(k, 0) for k in ("new", "updated", "unchanged")},
        outcome_url=url,
    )


@handler(VERIFICATION_IMPORT)
def verification_list(work: Work) -> Outcome:
    """An employer's or the social-insurance monthly list: rows in error stop the file;
    rows matching no placed worker are reported in the returned workbook too."""
    data = work.upload()
    month = date.fromisoformat(work.params["month"])
    result = verification_import.run(
        work.session,
        work.access,
        work.tools.cipher,
        data,
        work.filename or "",
        source=EvidenceSource(work.params["source"]),
        month=month,
        dry_run=bool(work.params.get("check_only")),
    )
    unmatched = [
        FieldError(
            "id_number",
            _("not in the register")
            if u["reason"] == "not_registered"
            else _("no placement that month"),
            u["reason"],
            row=u["row"],
            column="身份证号码",
        )
        for u in result.unmatched
    ]
    annotated = workbook.annotated(data, work.filename or "", [*result.errors, *unmatched])
    counts = {"matched": len(result.matched), "unmatched": len(result.unmatched)}
    if result.errors:
        message = _("{count} problems were found; nothing was saved.")
        counts = {"count": len(result.errors)}
    elif result.saved:
        message = _("{matched} rows saved; {unmatched} not matched.")
    else:
        message = _("{matched} rows match; nothing saved yet; {unmatched} not matched.")
    return Outcome(
        message=message,
        message_params=counts,
        outcome_url=f"/verifications?month={month:%Y-%m}",
        result=annotated,
        result_name=workbook.result_name(work.filename),
    )
