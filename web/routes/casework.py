"""Casework pages: the case list, a new case, a case with its notes and attachments,
the dispute board and the figures the offices report."""

import io
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api import clock
from api.access import DataKind
from api.casework import figures, notes, reads, service
from api.casework.downloads import XLSX, download, get_attachment_store
from api.casework.schemas import CaseCreate, CaseUpdate, NoteIn
from api.deps import Cipher, DbSession
from api.errors import AppError, BadRequest
from api.i18n import _, gettext
from api.labels import options
from api.paging import Pager, Sorting, sorting
from api.pickers.service import Kind
from api.security.pii import PiiCipher
from api.sort_keys import CaseSort
from shared_models.enums import CaseKind, CaseStatus, DisputeKind, Permission
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import (
    clean,
    errors_by_field,
    form_context,
    general_message,
    rerender_on_error,
    validate,
)
from web.paging import list_view
from web.pickers import is_picking, picker, values_of
from web.rendering import render

router = APIRouter(include_in_schema=False)
CHOICES = {
    "kind": options(CaseKind),
    "status": options(CaseStatus),
    "dispute_kind": options(DisputeKind),
}
NEW_FIELDS = [
    "kind",
    "occurred_on",
    "summary",
    "place",
    "aid_amount",
    "dispute_kind",
    "employer_name",  # only for an employer not in the pool
    "amount_disputed",
    "amount_recovered",
    "authority",
    "deadline",
    "outcome",
]
DETAIL_FIELDS = sorted({k for keys in service.DETAIL_KEYS.values() for k in keys})


def _can_write(page: WebPage) -> bool:
    return page.ctx.can_write(DataKind.CASE, page.ctx.tenant_id) and page.ctx.can(Permission.WRITE)


@router.get("/cases")
def case_list(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Annotated[Sorting[CaseSort], Depends(sorting(CaseSort))],
    kind: CaseKind | None = None,
    status: CaseStatus | None = None,
) -> Response:
    access = page.ctx
    rows, total = reads.listing(
        session,
        access,
        reads.CaseFilter(kind=kind, status=status),
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    return render(
        request,
        "casework/list.html",
        {
            "rows": rows,
            "total": total,
            "view": list_view(request, pager, total, sort),
            "names": {c.id: service.laborer_names(access, c) for c in rows},
            "full": {c.id: service.full_view(access, c) for c in rows},
            "kind": kind,
            "status": status,
            "choices": CHOICES,
            "counts": reads.status_counts(session, access, kind),
            "can_write": _can_write(page),
        },
    )


def _new_form(
    request: Request,
    page: WebPage,
    session: DbSession,
    cipher: PiiCipher,
    form: Any,
    error: AppError | None = None,
) -> Response:
    access = page.ctx
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return render(
        request,
        "casework/new.html",
        {
            "choices": CHOICES,
            "detail_fields": DETAIL_FIELDS,
            **form_context(error, values),
            "laborers": picker(
                session, access, cipher, Kind.LABORER, "laborer_ids", form, multi=True
            ),
            "employer": picker(session, access, cipher, Kind.EMPLOYER, "employer_id", form),
            "today": clock.today(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/cases/new")
def new_case(
    request: Request,
    page: TenantPage,
    session: DbSession,
    cipher: Cipher,
    kind: str = "",
    laborer_id: str = "",
) -> Response:
    # Pre-filled from a laborer's page: the person is already chosen in the picker.
    return _new_form(request, page, session, cipher, {"kind": kind, "laborer_ids": laborer_id})


@router.post("/cases/new")
def create_case(
    request: Request, page: TenantForm, session: DbSession, cipher: Cipher, form: PostedForm
) -> Response:
    if is_picking(form):
        return _new_form(request, page, session, cipher, form)
    data = {k: v for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    with rerender_on_error(lambda exc: _new_form(request, page, session, cipher, form, exc)):
        values: dict[str, Any] = clean(data, NEW_FIELDS)
        values["laborer_ids"] = values_of(form, "laborer_ids")
        employer = values_of(form, "employer_id")
        if employer and employer[0]:
            values["employer_id"] = employer[0]
        values["details"] = clean(data, DETAIL_FIELDS)
        body = validate(CaseCreate, values)
        case = service.create(session, page.ctx, service.CaseInput(**body.model_dump()))
    flash(page, gettext("Case opened: {summary}", summary=case.summary or ""))
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _detail(
    request: Request,
    page: WebPage,
    session: DbSession,
    case_id: uuid.UUID,
    error: AppError | None = None,
) -> Response:
    access = page.ctx
    case = service.get(session, access, case_id)
    full = service.full_view(access, case)
    return render(
        request,
        "casework/detail.html",
        {
            "c": case,
            "full": full,
            "names": service.laborer_names(access, case),
            "attachments": reads.attachments(session, access, case) if full else [],
            "next_statuses": service.next_statuses(case),
            "can_write": access.can_write(DataKind.CASE, case.tenant_id)
            and access.can(Permission.WRITE),
            "errors": errors_by_field(error),
            "message": general_message(error),
            "today": clock.today(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/cases/{case_id}")
def case_detail(
    case_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    return _detail(request, page, session, case_id)


def _version(form: FormData) -> int:
    try:
        return int(str(form.get("version") or ""))
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None


@router.post("/cases/{case_id}/update")
def update_case(
    case_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    with rerender_on_error(lambda exc: _detail(request, page, session, case_id, exc)):
        values = clean(data, ["status", "amount_recovered", "outcome"])
        body = validate(CaseUpdate, {"version": _version(form), **values})
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        service.update(session, page.ctx, case_id, changes, version=body.version)
    flash(page, gettext("Case updated."))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/notes")
def add_note(
    case_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    with rerender_on_error(lambda exc: _detail(request, page, session, case_id, exc), (422,)):
        body = validate(NoteIn, clean(data, ["body", "written_on", "author"]))
        notes.add_note(session, page.ctx, case_id, **body.model_dump())
    flash(page, gettext("Note added."))
    return RedirectResponse(f"/cases/{case_id}#notes", status_code=303)


@router.post("/cases/{case_id}/attachments")
def add_attachment(
    case_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    upload = form.get("file")
    limit = request.app.state.settings.max_attachment_bytes
    data = b""
    filename = None
    if upload is not None and not isinstance(upload, str):
        data = upload.file.read(limit + 1)
        filename = upload.filename
    rejected = (413, 422)
    with rerender_on_error(lambda exc: _detail(request, page, session, case_id, exc), rejected):
        notes.add_attachment(
            session,
            page.ctx,
            get_attachment_store(request),
            case_id,
            data=data,
            filename=filename,
            limit=limit,
        )
    flash(page, gettext("Attachment added."))
    return RedirectResponse(f"/cases/{case_id}#attachments", status_code=303)


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def get_attachment(
    case_id: uuid.UUID,
    attachment_id: uuid.UUID,
    request: Request,
    page: TenantPage,
    session: DbSession,
) -> Response:
    row = notes.attachment(session, page.ctx, case_id, attachment_id)
    return download(get_attachment_store(request), row)


@router.get("/disputes")
def dispute_board(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Annotated[Sorting[CaseSort], Depends(sorting(CaseSort))],
    status: CaseStatus | None = None,
) -> Response:
    """The disputes by status: a page of them laid out in the status columns, each
    column headed by its true count (all pages)."""
    access = page.ctx
    rows, total = reads.listing(
        session,
        access,
        reads.CaseFilter(kind=CaseKind.DISPUTE, status=status),
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    shown = [status] if status else list(CaseStatus)
    return render(
        request,
        "casework/disputes.html",
        {
            "columns": {s: [c for c in rows if c.status is s] for s in shown},
            "counts": reads.status_counts(session, access, CaseKind.DISPUTE),
            "total": total,
            "status": status,
            "statuses": CHOICES["status"],
            "view": list_view(request, pager, total, sort),
            "names": {c.id: service.laborer_names(access, c) for c in rows},
            "today": clock.today(),
        },
    )


Year = Annotated[int | None, Query(ge=2000, le=2100)]
Month = Annotated[int | None, Query(ge=1, le=12)]


@router.get("/casework/figures")
def figures_page(
    request: Request, page: TenantPage, session: DbSession, year: Year = None, month: Month = None
) -> Response:
    report = figures.compute(session, page.ctx, year or clock.today().year, month)
    return render(
        request,
        "casework/figures.html",
        {"report": report, "dispute_kinds": list(DisputeKind), "months": range(1, 13)},
    )


@router.get("/casework/figures/export")
def figures_export(
    page: TenantPage, session: DbSession, year: Year = None, month: Month = None
) -> Response:
    report = figures.compute(session, page.ctx, year or clock.today().year, month)
    buffer = io.BytesIO()
    figures.write_xlsx(report, buffer, page.ctx.tenant_name)
    name = f"劳务协作工作统计{report.year}{f'-{month:02d}' if month else ''}.xlsx"
    disposition = f"attachment; filename=figures.xlsx; filename*=UTF-8''{quote(name)}"
    return Response(
        buffer.getvalue(), media_type=XLSX, headers={"Content-Disposition": disposition}
    )
