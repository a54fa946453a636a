"""The visit queue (预警走访队列): today's open flags, most severe and oldest first,
each with one action to log a visit that answers the flag."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import clock
from api.access import DataKind
from api.deps import DbSession
from api.errors import AppError, BadRequest
from api.i18n import _
from api.warnings import reads, service
from api.warnings.schemas import VisitIn
from shared_models.enums import Permission
from web.deps import FormRejected, TenantForm, TenantPage, WebPage
from web.forms import clean, errors_by_field, general_message, validate
from web.rendering import render

router = APIRouter(include_in_schema=False)
QUEUE = "/warnings/queue"


def _queue(
    request: Request,
    page: WebPage,
    session: DbSession,
    error: AppError | None = None,
    failed: uuid.UUID | None = None,
) -> Response:
    access = page.ctx
    rows, total = reads.listing(session, access, reads.WarningFilter(open_only=True), limit=500)
    today = clock.today()
    return render(
        request,
        "warnings/queue.html",
        {
            "rows": rows,
            "total": total,
            "today": today,
            "ages": {flag.id: max((today - flag.since).days, 0) for flag, _name in rows},
            "can_write": {
                flag.id: access.can(Permission.WRITE)
                and access.can_write(DataKind.WARNING, flag.tenant_id)
                for flag, _name in rows
            },
            "failed": failed,
            "errors": errors_by_field(error),
            "message": general_message(error),
        },
        status_code=error.status if error else 200,
    )


@router.get(QUEUE)
def visit_queue(request: Request, page: TenantPage, session: DbSession) -> Response:
    return _queue(request, page, session)


def _version(form) -> int:  # type: ignore[no-untyped-def]
    try:
        return int(str(form.get("version") or ""))
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None


@router.post("/warnings/{warning_id}/visit")
async def log_visit(
    warning_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession
) -> Response:
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        values = clean(data, ["occurred_on", "summary", "place"])
        body = validate(VisitIn, {"version": _version(form), **values})
        service.log_visit(
            session,
            page.ctx,
            warning_id,
            version=body.version,
            occurred_on=body.occurred_on,
            summary=body.summary,
            place=body.place,
        )
    except AppError as exc:
        if exc.status not in (409, 422):
            raise
        raise FormRejected(_queue(request, page, session, exc, warning_id)) from exc
    return RedirectResponse(QUEUE, status_code=303)


@router.post("/warnings/{warning_id}/acknowledge")
async def acknowledge(
    warning_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession
) -> Response:
    form = await request.form()
    try:
        service.acknowledge(session, page.ctx, warning_id, version=_version(form))
    except AppError as exc:
        if exc.status not in (409, 422):
            raise
        raise FormRejected(_queue(request, page, session, exc, warning_id)) from exc
    return RedirectResponse(QUEUE, status_code=303)
