"""The vacancy list (岗位信息汇总表) import wizard: upload, see every problem or the
counts, then confirm.

Checking and saving run as background jobs (api/jobs): the upload and the confirm
button queue the work and lead to its progress page, which leads back here."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.demand import imports
from api.demand.service import require_poster
from api.deps import DbSession
from api.errors import AppError, BadRequest
from api.i18n import _
from api.jobs import handlers
from api.jobs import service as jobs
from web.deps import PostedForm, TenantForm, TenantPage
from web.forms import rerender_on_error
from web.rendering import render
from web.routes.jobs import files_of, started

router = APIRouter(prefix="/vacancies/import", include_in_schema=False)


def _upload_form(request: Request, error: AppError | None = None) -> Response:
    """The upload form; after a refused upload, with the reason (4xx)."""
    return render(
        request,
        "demand/import.html",
        {"message": error.message() if error else None},
        status_code=error.status if error else 200,
    )


@router.get("")
def upload_form(request: Request, page: TenantPage) -> Response:
    require_poster(page.ctx)
    return _upload_form(request)


@router.post("")
def upload(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    require_poster(page.ctx)
    with rerender_on_error(lambda e: _upload_form(request, e), (400, 422)):
        upload_file = form.get("file")
        if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
            raise BadRequest(_("Choose a file to upload."))
        data = upload_file.file.read(imports.MAX_BYTES + 1)
        if len(data) > imports.MAX_BYTES:
            raise BadRequest(_("The file is larger than 20 MB; split it."))
    job = jobs.enqueue(
        session,
        page.ctx,
        files_of(request),
        handlers.VACANCY_PREVIEW,
        data=data,
        filename=upload_file.filename,
        params={"back_url": "/vacancies/import"},
    )
    return started(job.id, "check")


@router.get("/{import_id}")
def preview(
    import_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    batch = imports.get_batch(session, page.ctx, import_id)
    return render(
        request,
        "demand/import_preview.html",
        {"batch": batch, "summary": batch.summary or {}, "errors": imports.rendered_errors(batch)},
    )


@router.post("/{import_id}/commit")
def commit(
    import_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession
) -> Response:
    require_poster(page.ctx)
    batch = imports.get_batch(session, page.ctx, import_id)
    job = jobs.enqueue(
        session,
        page.ctx,
        None,
        handlers.VACANCY_COMMIT,
        filename=batch.filename,
        params={"batch_id": str(batch.id), "back_url": f"/vacancies/import/{batch.id}"},
    )
    return started(job.id, "save")
