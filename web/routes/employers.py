"""Employer pages: the bureau's employers, one employer with its vacancies, the form."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api import clock
from api.access import DataKind
from api.demand import pool_reads, service
from api.demand.pool import PoolFilter
from api.demand.records import EmployerRecord
from api.demand.schemas import EmployerCreate, EmployerUpdate
from api.deps import DbSession
from api.errors import AppError
from api.i18n import gettext
from api.paging import Pager
from shared_models import Employer
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.rendering import render
from web.routes.demand_forms import CHOICES, employer_data, employer_values
from web.routes.vacancies import can_post

router = APIRouter(prefix="/employers", include_in_schema=False)


@router.get("")
def list_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    q: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    access = page.ctx
    rows, total = service.list_employers(
        session, access, q=(q or "").strip() or None, page=pager.page, page_size=pager.page_size
    )
    return render(
        request,
        "demand/employers.html",
        {
            "rows": rows,
            "total": total,
            "q": q or "",
            "counts": service.open_vacancy_counts(session, access, rows),
            "view": list_view(request, pager, total),
            "can_post": can_post(access),
        },
    )


def _form(
    request: Request,
    page: WebPage,
    *,
    employer: Employer | None,
    values: dict[str, Any],
    error: AppError | None = None,
) -> Response:
    existing_id = error.extra.get("existing_id") if error is not None else None
    return render(
        request,
        "demand/employer_form.html",
        {
            "employer": employer,
            "values": values,
            "errors": errors_by_field(error),
            "message": general_message(error),
            "existing_id": existing_id,
            "choices": CHOICES,
        },
        status_code=error.status if error else 200,
    )


@router.get("/new")
def new_form(request: Request, page: TenantPage) -> Response:
    service.require_poster(page.ctx)
    return _form(request, page, employer=None, values={"region_code": page.ctx.tenant_region_code})


@router.post("/new")
def create(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    data = employer_data(form)
    with rerender_on_error(lambda e: _form(request, page, employer=None, values=data, error=e)):
        body = validate(EmployerCreate, data)
        values = body.model_dump()
        values["region_code"] = body.region_code or page.ctx.tenant_region_code
        employer = service.create_employer(session, page.ctx, EmployerRecord(**values))
    flash(page, gettext("Employer {name} added.", name=employer.name))
    return RedirectResponse(f"/employers/{employer.id}", status_code=303)


@router.get("/{employer_id}")
def detail(
    employer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    access = page.ctx
    employer = service.get_employer(session, access, employer_id)
    vacancies = pool_reads.pool(
        session, access, PoolFilter(employer_id=employer.id, open_only=False), page_size=20
    )  # the newest; the pool, filtered to the employer, pages through them all
    editable = can_post(access) and access.can_write(DataKind.DEMAND, employer.tenant_id)
    return render(
        request,
        "demand/employer_detail.html",
        {"e": employer, "vacancies": vacancies, "can_edit": editable, "today": clock.today()},
    )


@router.get("/{employer_id}/edit")
def edit_form(
    employer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    employer = service.get_employer(session, page.ctx, employer_id)
    service.require_poster(page.ctx, employer.tenant_id)
    return _form(request, page, employer=employer, values=employer_values(employer))


@router.post("/{employer_id}/edit")
def edit(
    employer_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = employer_data(form)
    for name in ("address", "contact_name", "contact_phone", "size", "note"):
        data.setdefault(name, None)  # emptied: cleared
    for name in ("name", "credit_code", "industry", "region_code"):
        data.setdefault(name, "")  # emptied: the model reports it as required
    data["version"] = form.get("version") or 0
    employer = service.get_employer(session, page.ctx, employer_id)
    with rerender_on_error(lambda e: _form(request, page, employer=employer, values=data, error=e)):
        body = validate(EmployerUpdate, data)
        saved = service.update_employer(
            session,
            page.ctx,
            employer_id,
            body.model_dump(exclude_unset=True, exclude={"version"}),
            version=body.version,
        )
    flash(page, gettext("Employer {name} saved.", name=saved.name))
    return RedirectResponse(f"/employers/{employer_id}", status_code=303)
