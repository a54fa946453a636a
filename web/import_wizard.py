"""The import wizard, one for every kind of list: upload, see every problem or the counts,
then confirm. Checking and saving run as background jobs (api/jobs): the upload and the
confirm button queue the work and lead to its progress page, which leads back here.

A kind supplies only what differs: where it lives, its templates, who may import, its
size limit and its kinds of work."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.access import AccessContext
from api.deps import DbSession
from api.errors import AppError, BadRequest
from api.i18n import _
from api.jobs import service as jobs
from web.deps import PostedForm, TenantForm, TenantPage
from web.forms import rerender_on_error
from web.rendering import render
from web.routes.jobs import files_of, started


@dataclass(frozen=True)
class ImportKind:
    prefix: str  # "/laborers/import"
    templates: str  # "laborers": its import.html and import_preview.html
    imports: ModuleType  # the domain's import service: get_batch, rendered_errors, MAX_BYTES
    require: Callable[[AccessContext], None]  # who may import
    preview_job: str
    commit_job: str


def wizard(kind: ImportKind) -> APIRouter:
    router = APIRouter(prefix=kind.prefix, include_in_schema=False)
    imports = kind.imports

    def upload_form_page(request: Request, error: AppError | None = None) -> Response:
        """The upload form; after a refused upload, with the reason (4xx)."""
        return render(
            request,
            f"{kind.templates}/import.html",
            {"message": error.message() if error else None},
            status_code=error.status if error else 200,
        )

    @router.get("")
    def upload_form(request: Request, page: TenantPage) -> Response:
        kind.require(page.ctx)
        return upload_form_page(request)

    @router.post("")
    def upload(
        request: Request, page: TenantForm, session: DbSession, form: PostedForm
    ) -> Response:
        kind.require(page.ctx)
        with rerender_on_error(lambda e: upload_form_page(request, e), (400, 422)):
            upload_file = form.get("file")
            if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
                raise BadRequest(_("Choose a file to upload."))
            data = upload_file.file.read(imports.MAX_BYTES + 1)
            if len(data) > imports.MAX_BYTES:
                raise BadRequest(
                    _("The file is larger than {mb} MB; split it."),
                    params={"mb": imports.MAX_BYTES // (1024 * 1024)},
                )
        job = jobs.enqueue(
            session,
            page.ctx,
            files_of(request),
            kind.preview_job,
            data=data,
            filename=upload_file.filename,
            params={"back_url": kind.prefix},
        )
        return started(job.id, "check")

    @router.get("/{import_id}")
    def preview(
        import_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
    ) -> Response:
        batch = imports.get_batch(session, page.ctx, import_id)
        return render(
            request,
            f"{kind.templates}/import_preview.html",
            {
                "batch": batch,
                "summary": batch.summary or {},
                "errors": imports.rendered_errors(batch),
            },
        )

    @router.post("/{import_id}/commit")
    def commit(import_id: uuid.UUID, page: TenantForm, session: DbSession) -> Response:
        kind.require(page.ctx)
        batch = imports.get_batch(session, page.ctx, import_id)
        job = jobs.enqueue(
            session,
            page.ctx,
            None,
            kind.commit_job,
            filename=batch.filename,
            params={"batch_id": str(batch.id), "back_url": f"{kind.prefix}/{batch.id}"},
        )
        return started(job.id, "save")

    return router
