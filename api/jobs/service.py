"""Background jobs as pages see them: queue work, follow it, stop it, fetch its result.

A job is its creator's: another member of the tenant gets 404, as for an object outside
their tenant sets (the result holds the full ID numbers of the upload)."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.errors import Conflict, NotFound
from api.i18n import _, gettext
from api.imports.storage import StoredUploadMissing
from api.jobs import repository, runner
from api.jobs.files import JobFiles
from shared_models import BackgroundJob
from shared_models.enums import JobStatus

FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


def enqueue(
    session: Session,
    access: AccessContext,
    files: JobFiles | None,
    kind: str,
    *,
    data: bytes | None = None,
    filename: str | None = None,
    params: dict[str, Any] | None = None,
) -> BackgroundJob:
    """Queue work for the worker; the caller has checked the creator may do it."""
    if kind not in runner.HANDLERS:
        raise ValueError(kind)
    if access.user_id is None:
        raise NotFound()
    job = BackgroundJob(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        kind=kind,
        status=JobStatus.QUEUED,
        params=params or {},
        filename=(filename or "")[:255] or None,
        done=0,
        total=0,
        cancel_requested=False,
        created_by=access.user_id,
        created_by_label=access.actor_label,
    )
    if data is not None and files is not None:
        files.save(job.id, "input", data)
    repository.add(session, access, job)
    return job


def get(session: Session, access: AccessContext, job_id: uuid.UUID) -> BackgroundJob:
    job = repository.get(session, access, job_id)
    if job is None or job.created_by != access.user_id:
        raise NotFound()
    return job


@dataclass(frozen=True)
class JobView:
    job: BackgroundJob
    stage: str | None
    done: int
    total: int
    percent: int | None  # None while the total is unknown
    finished: bool
    message: str | None


def view(session: Session, access: AccessContext, job_id: uuid.UUID) -> JobView:
    job = get(session, access, job_id)
    stage, done, total = job.stage, job.done, job.total
    live = runner.live_progress(job.id) if job.status is JobStatus.RUNNING else None
    if live is not None:
        stage, done, total = live
    finished = job.status in FINISHED
    if job.status is JobStatus.SUCCEEDED:
        percent: int | None = 100
    elif total:
        percent = min(99, done * 100 // total)
    else:
        percent = 0 if job.status is JobStatus.QUEUED else None
    params = (job.params or {}).get("message_params") or {}
    message = gettext(job.message, **params) if job.message else None
    return JobView(job, stage, done, total, percent, finished, message)


def cancel(session: Session, access: AccessContext, job_id: uuid.UUID) -> BackgroundJob:
    job = get(session, access, job_id)
    if job.status in FINISHED:
        raise Conflict(_("This work has ended already."))
    runner.request_cancel_here(job.id)  # a running job in this process sees it at once
    if not repository.cancel_queued(session, access, job.id):
        repository.request_cancel(session, access, job.id)
    session.refresh(job)
    return job


def result(
    session: Session, access: AccessContext, files: JobFiles, job_id: uuid.UUID
) -> tuple[str, bytes]:
    job = get(session, access, job_id)
    if job.status is not JobStatus.SUCCEEDED or not job.result_name:
        raise NotFound()
    try:
        return job.result_name, files.load(job.id, "result")
    except StoredUploadMissing:
        raise Conflict(_("The file has expired; run the work again.")) from None
