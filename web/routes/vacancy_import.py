"""The vacancy list (岗位信息汇总表) import wizard: upload, see every problem or the
counts, then confirm."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.demand import imports
from api.demand.service import require_poster
from api.deps import DbSession, Uploads
from api.errors import AppError, BadRequest
from api.i18n import _
from shared_models import ImportBatch
from web.deps import FormRejected, TenantForm, TenantPage
from web.rendering import render

router = APIRouter(prefix="/vacancies/import", include_in_schema=False)


def _preview(request: Request, batch: ImportBatch, *, status_code: int = 200) -> Response:
    return render(
        request,
        "demand/import_preview.html",
        {
            "batch": batch,
            "summary": batch.summary or {},
            "errors": imports.rendered_errors(batch),
        },
        status_code=status_code,
    )


@router.get("")
def upload_form(request: Request, page: TenantPage) -> Response:
    require_poster(page.ctx)
    return render(request, "demand/import.html", {})


@router.post("")
async def upload(
    request: Request, page: TenantForm, session: DbSession, uploads: Uploads
) -> Response:
    form = await request.form()
    upload_file = form.get("file")
    if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
        raise FormRejected(
            render(
                request,
                "demand/import.html",
                {"message": _("Choose a file to upload.")},
                status_code=422,
            )
        )
    data = await upload_file.read(imports.MAX_BYTES + 1)
    if len(data) > imports.MAX_BYTES:
        raise BadRequest(_("The file is larger than 20 MB; split it."))
    batch, plan = imports.run(session, page.ctx, uploads, data, upload_file.filename, dry_run=True)
    return _preview(request, batch, status_code=200 if plan.ok else 422)


@router.post("/{import_id}/commit")
def commit(
    import_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, uploads: Uploads
) -> Response:
    try:
        batch, _plan = imports.commit(session, page.ctx, uploads, import_id)
    except AppError as exc:
        if exc.status not in (409, 422):
            raise
        batch = imports.get_batch(session, page.ctx, import_id)
        raise FormRejected(
            render(
                request,
                "demand/import_preview.html",
                {
                    "batch": batch,
                    "summary": batch.summary or {},
                    "errors": exc.errors,
                    "message": exc.message(),
                },
                status_code=exc.status,
            )
        ) from exc
    return _preview(request, batch)
