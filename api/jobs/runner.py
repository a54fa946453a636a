"""Running one job: claim it, rebuild its creator's access, do the work with progress,
record how it ended.

Progress and the cancel flag travel in short transactions of their own, so a page
polling the job sees them while the work's one transaction is still open. SQLite has
one writer at a time and the work holds it, so there they stay in this process's memory
(the app's own worker threads; pages read them from here)."""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api import tracing
from api.access import AccessContext, DataKind, build_access_context
from api.auth import repository as auth_repository
from api.db import Database, apply_access, apply_user_scope, is_postgres
from api.errors import AppError, Forbidden
from api.i18n import _
from api.imports.storage import UploadStore
from api.jobs import repository
from api.jobs.files import JobFiles
from api.metrics.instruments import JOB_SECONDS
from api.security.pii import PiiCipher
from api.tenancy import repository as tenancy_repository
from shared_models.base import utcnow
from shared_models.enums import JobStatus, OrgKind, Permission, Role

log = logging.getLogger(__name__)

REPORT_EVERY_SECONDS = 0.5
NIL = uuid.UUID(int=0)

# In-process progress and cancel requests (see the module's docstring).
_lock = threading.Lock()
LIVE: dict[uuid.UUID, tuple[str, int, int]] = {}
CANCELS: set[uuid.UUID] = set()


class Cancelled(Exception):
    """The job's creator asked to stop; the work's transaction rolls back."""


@dataclass
class Outcome:
    message: str | None = None
    message_params: dict[str, Any] = field(default_factory=dict)
    outcome_url: str | None = None
    result: bytes | None = None
    result_name: str | None = None


@dataclass
class Tools:
    files: JobFiles
    cipher: PiiCipher
    uploads: UploadStore


@dataclass
class Work:
    job_id: uuid.UUID
    session: Session
    access: AccessContext
    params: dict[str, Any]
    filename: str | None
    tools: Tools
    progress: Callable[[str, int, int], None]

    def upload(self) -> bytes:
        return self.tools.files.load(self.job_id, "input")


Handler = Callable[[Work], Outcome]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def jobs_access(tenant_ids: frozenset[uuid.UUID]) -> AccessContext:
    """Reads and writes the job rows of `tenant_ids` and nothing else: what the worker
    needs to claim work and report progress, before and beside the creator's context."""
    return AccessContext(
        tenant_id=NIL,
        tenant_kind=OrgKind.SENDING,
        tenant_name="worker",
        tenant_region_code="",
        user_id=None,
        actor_label="worker",
        role=Role.ADMIN,
        permissions=frozenset({Permission.READ, Permission.WRITE}),
        readable={DataKind.IMPORT: tenant_ids},
        writable={DataKind.IMPORT: tenant_ids},
    )


def request_cancel_here(job_id: uuid.UUID) -> None:
    with _lock:
        CANCELS.add(job_id)


def live_progress(job_id: uuid.UUID) -> tuple[str, int, int] | None:
    with _lock:
        return LIVE.get(job_id)


class Monitor:
    def __init__(self, db: Database, tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
        self.db, self.job_id = db, job_id
        self.access = jobs_access(frozenset({tenant_id}))
        self.shared = is_postgres(db.engine)
        self.last = 0.0
        self.stage = ""

    def report(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < REPORT_EVERY_SECONDS:
            return
        self.stage, self.last = stage, now
        if self.shared:
            with self.db.transaction(self.access) as session:
                cancel = repository.set_fields(
                    session, self.access, self.job_id, stage=stage, done=done, total=total
                )
        else:
            with _lock:
                LIVE[self.job_id] = (stage, done, total)
                cancel = self.job_id in CANCELS
        if cancel:
            raise Cancelled()


def creator_access(session: Session, user_id: uuid.UUID, tenant_id: uuid.UUID) -> AccessContext:
    """The creator's context as a request would build it today: a membership ended or
    a role lowered since the job was queued counts."""
    apply_user_scope(session, user_id)
    membership = next(
        (
            m
            for m in auth_repository.memberships_of_user(session, user_id)
            if m.tenant_id == tenant_id
        ),
        None,
    )
    user = auth_repository.user_by_id(session, user_id)
    if membership is None or user is None or not user.is_active:
        raise Forbidden(detail=_("The account that queued this work may no longer do it."))
    return build_access_context(
        session,
        tenant_id=tenant_id,
        role=membership.role,
        can_reveal_pii=membership.can_reveal_pii,
        user_id=user_id,
        actor_label=user.username,
    )


def claim(db: Database, worker: str) -> dict[str, Any] | None:
    with db.transaction() as session:
        tenants = frozenset(o.id for o in tenancy_repository.all_organizations(session))
        access = jobs_access(tenants)
        apply_access(session, access)
        job = repository.claim_next(session, access, worker)
        if job is None:
            return None
        return {
            "id": job.id,
            "tenant_id": job.tenant_id,
            "user_id": job.created_by,
            "kind": job.kind,
            "params": dict(job.params or {}),
            "filename": job.filename,
        }


def run_next(db: Database, tools: Tools, worker: str, tracer_provider: Any = None) -> bool:
    """Claim and run one job; False when none was waiting. With a tracer provider the job
    is a span named by its kind (api/tracing.py)."""
    with tracing.untraced(tracer_provider):
        job = claim(db, worker)
    if job is None:
        return False
    with tracing.job_span(tracer_provider, job["kind"], job["id"]):
        execute(db, tools, job)
    return True


def execute(db: Database, tools: Tools, job: dict[str, Any]) -> None:
    job_id, tenant_id = job["id"], job["tenant_id"]
    monitor = Monitor(db, tenant_id, job_id)
    started = time.monotonic()
    ending: dict[str, Any]
    try:
        work_handler = HANDLERS[job["kind"]]
        with db.transaction() as session:
            access = creator_access(session, job["user_id"], tenant_id)
            apply_access(session, access)
            outcome = work_handler(
                Work(
                    job_id,
                    session,
                    access,
                    job["params"],
                    job["filename"],
                    tools,
                    monitor.report,
                )
            )
            if outcome.result is not None:
                tools.files.save(job_id, "result", outcome.result)
            # Recorded in the work's own transaction: the outcome and "succeeded" together.
            repository.set_fields(
                session,
                access,
                job_id,
                status=JobStatus.SUCCEEDED,
                stage="done",
                done=1,
                total=1,
                finished_at=utcnow(),
                message=outcome.message,
                params={**job["params"], "message_params": _plain(outcome.message_params)},
                outcome_url=outcome.outcome_url,
                result_name=outcome.result_name if outcome.result is not None else None,
            )
        ending = {}
    except Cancelled:
        ending = {"status": JobStatus.CANCELLED, "message": _("Cancelled; nothing was saved.")}
    except AppError as exc:
        ending = {
            "status": JobStatus.FAILED,
            "message": (exc.detail or exc.title)[:500],
            "params": {**job["params"], "message_params": _plain(exc.params)},
        }
    except Exception:
        log.exception("job %s (%s) failed", job_id, job["kind"])
        ending = {
            "status": JobStatus.FAILED,
            "message": _("The work failed unexpectedly; nothing was saved."),
        }
    finally:
        with _lock:
            LIVE.pop(job_id, None)
            CANCELS.discard(job_id)
        tools.files.delete(job_id, "input")
    outcome_name = str(ending.get("status", JobStatus.SUCCEEDED))
    JOB_SECONDS.labels(job["kind"], outcome_name).observe(time.monotonic() - started)
    if ending:
        with db.transaction(monitor.access) as session:
            repository.set_fields(session, monitor.access, job_id, finished_at=utcnow(), **ending)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """Message parameters as JSON keeps them (numbers stay numbers for formatting)."""
    return {k: v if isinstance(v, int | float | str) else str(v) for k, v in params.items()}
