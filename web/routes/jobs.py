"""A background job's page: its progress bar (polled by htmx), cancel, its result."""

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.db import READS_ONLY
from api.deps import DbSession
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
    return request.app.state.job_files


def started(job_id: uuid.UUID) -> RedirectResponse:
    """Where a page that queued work sends the browser."""
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/{job_id}")
def show(job_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession) -> Response:
    view = jobs.view(session, page.ctx, job_id)
    # htmx polls this same address and swaps in the progress part only.
    name = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/job.html"
    return render(request, name, {"v": view})


@router.post("/{job_id}/cancel")
def cancel(job_id: uuid.UUID, page: TenantForm, session: DbSession) -> Response:
    jobs.cancel(session, page.ctx, job_id)
    return started(job_id)


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
