"""A background job's page: its progress bar (polled by htmx), cancel, its result."""

import uuid
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.db import READS_ONLY
from api.deps import DbSession
from api.i18n import _, gettext
from api.jobs import service as jobs
from api.jobs.files import JobFiles
from web.deps import TenantForm, TenantPage
from web.rendering import render


async def reads_only(request: Request) -> None:
    """The progress bar only reads (api/db.py, READS_ONLY). Async on purpose: it touches
    no database, and a context variable set here, on the loop, is copied into the thread
    the plain-def handler runs in (one set in a threadpool dependency would not be)."""
    if request.method == "GET":
        READS_ONLY.set(True)


router = APIRouter(prefix="/jobs", include_in_schema=False, dependencies=[Depends(reads_only)])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def files_of(request: Request) -> JobFiles:
    files: JobFiles = request.app.state.job_files
    return files


# What the job page says about the action that led to it. Not a session flash: the
# page only reads (READS_ONLY), and clearing a flash would be a write that, on SQLite,
# could wait on (or fail beside) the job holding the one writer's lock.
DONE = {
    "check": _("The file is being checked; this page shows the progress."),
    "save": _("Saving has started; this page shows the progress."),
    "cancel": _("Cancel requested; the work stops at its next step."),
}
Done = Literal["check", "save", "cancel"]


def started(job_id: uuid.UUID, done: Done | None = None) -> RedirectResponse:
    """Where a page that queued work sends the browser (`done`: the message to show)."""
    query = f"?done={done}" if done else ""
    return RedirectResponse(f"/jobs/{job_id}{query}", status_code=303)


@router.get("/{job_id}")
def show(
    job_id: uuid.UUID,
    request: Request,
    page: TenantPage,
    session: DbSession,
    done: Done | None = None,
) -> Response:
    view = jobs.view(session, page.ctx, job_id)
    # htmx polls this same address and swaps in the progress part only.
    name = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/job.html"
    # Always given, so the page never takes (writes) a waiting session flash: see DONE.
    message = gettext(DONE[done]) if done else None
    return render(request, name, {"v": view, "flash": message})


@router.post("/{job_id}/cancel")
def cancel(job_id: uuid.UUID, page: TenantForm, session: DbSession) -> Response:
    jobs.cancel(session, page.ctx, job_id)
    return started(job_id, "cancel")


@router.get("/{job_id}/result")
def result(job_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession) -> Response:
    name, content = jobs.result(session, page.ctx, files_of(request), job_id)
    if name.endswith(".html"):
        # A printable book: opened in the browser (under the app's CSP), saved from there.
        disposition = f"inline; filename=result.html; filename*=UTF-8''{quote(name)}"
        return Response(
            content, media_type="text/html", headers={"Content-Disposition": disposition}
        )
    disposition = f"attachment; filename=result.xlsx; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
