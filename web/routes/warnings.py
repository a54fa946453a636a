"""The visit queue (预警走访队列): today's open flags, most severe and oldest first,
each with one action to log a visit that answers the flag."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api import clock
from api.access import DataKind
from api.casework import notes
from api.deps import DbSession
from api.errors import AppError, BadRequest
from api.i18n import _, gettext
from api.labels import options
from api.paging import Pager, Paging, Sorting, sorting
from api.sort_keys import WarningSort
from api.warnings import reads, service
from api.warnings.schemas import VisitIn
from shared_models.enums import Permission, WarningRule
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import clean, errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.rendering import render

router = APIRouter(include_in_schema=False)
QUEUE = "/warnings/queue"
Sort = Annotated[Sorting[WarningSort], Depends(sorting(WarningSort))]


def _queue(
    request: Request,
    page: WebPage,
    session: DbSession,
    error: AppError | None = None,
    failed: uuid.UUID | None = None,
    pager: Paging = Paging(),
    sort: Sorting[WarningSort] = Sorting(),
    rule: WarningRule | None = None,
) -> Response:
    access = page.ctx
    rows, total = reads.listing(
        session,
        access,
        reads.WarningFilter(open_only=True, rule=rule),
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    today = clock.today()
    return render(
        request,
        "warnings/queue.html",
        {
            "rows": rows,
            "total": total,
            "view": list_view(request, pager, total, sort),
            "today": today,
            "ages": {flag.id: max((today - flag.since).days, 0) for flag, _name in rows},
            "can_write": {
                flag.id: access.can(Permission.WRITE)
                and access.can_write(DataKind.WARNING, flag.tenant_id)
                for flag, _name in rows
            },
            "failed": failed,
            "rule": rule,
            "rules": options(WarningRule),
            "errors": errors_by_field(error),
            "message": general_message(error),
        },
        status_code=error.status if error else 200,
    )


@router.get(QUEUE)
def visit_queue(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Sort,
    rule: WarningRule | None = None,
) -> Response:
    return _queue(request, page, session, pager=pager, sort=sort, rule=rule)


def _version(form: FormData) -> int:
    try:
        return int(str(form.get("version") or ""))
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None


@router.post("/warnings/{warning_id}/visit")
def log_visit(
    warning_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    # A photo taken at the visit (optional): read whole up to the limit, checked by the
    # attachment service with the visit's case, so a bad file logs nothing.
    photo = form.get("photo")
    limit = request.app.state.settings.max_attachment_bytes
    picture = b""
    if photo is not None and not isinstance(photo, str) and photo.filename:
        picture = photo.file.read(limit + 1)
    with rerender_on_error(
        lambda e: _queue(request, page, session, e, warning_id), (409, 413, 422)
    ):
        values = clean(data, ["occurred_on", "summary", "place"])
        body = validate(VisitIn, {"version": _version(form), **values})
        _flag, case = service.log_visit(
            session,
            page.ctx,
            warning_id,
            version=body.version,
            occurred_on=body.occurred_on,
            summary=body.summary,
            place=body.place,
        )
        if picture:
            notes.add_attachment(
                session,
                page.ctx,
                request.app.state.attachments,
                case.id,
                data=picture,
                filename=photo.filename,  # type: ignore[union-attr]  # checked for a photo above
                limit=limit,
            )
    flash(page, gettext("Visit logged."))
    return RedirectResponse(QUEUE, status_code=303)


@router.post("/warnings/{warning_id}/acknowledge")
def acknowledge(
    warning_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    with rerender_on_error(lambda e: _queue(request, page, session, e, warning_id)):
        service.acknowledge(session, page.ctx, warning_id, version=_version(form))
    flash(page, gettext("Warning acknowledged."))
    return RedirectResponse(QUEUE, status_code=303)
