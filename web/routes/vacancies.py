"""Demand pool pages: the pool with filters, a vacancy with its matches and referrals,
and the vacancy form."""

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import clock
from api.access import AccessContext, DataKind
from api.demand import pool_reads, service
from api.demand.filters import Pool, PoolPage
from api.demand.pool import Benefit, PoolSort
from api.demand.schemas import VacancyCreate, VacancyUpdate
from api.deps import Cipher, DbSession
from api.errors import AppError
from api.i18n import gettext
from api.labels import options
from api.matching import service as matching
from api.paging import Paging, Sorting
from api.pickers.service import Kind
from api.referrals import service as referrals
from shared_models import Vacancy
from shared_models.enums import EntryThreshold, OrgKind, Permission
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.pickers import picker
from web.rendering import render
from web.routes.demand_forms import (
    CHOICES,
    submitted_values,
    vacancy_data,
    vacancy_values,
)
from web.routes.referral_rows import board_rows, status_counts

router = APIRouter(prefix="/vacancies", include_in_schema=False)

MAX_EMPLOYERS_IN_FORM = 1000
POOL_CHOICES = {
    "threshold": options(EntryThreshold),
    "sort": options(PoolSort),
    "benefit": options(Benefit),
}


def can_post(access: AccessContext) -> bool:
    return access.can(Permission.WRITE) and access.tenant_kind is not OrgKind.LIAISON


def can_refer(access: AccessContext) -> bool:
    return access.can(Permission.WRITE) and bool(access.write_ids(DataKind.REFERRAL))


@router.get("")
def pool_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    f: Pool,
    at: PoolPage,
) -> Response:
    access = page.ctx
    result = pool_reads.pool_page(session, access, f, at)
    # From an employer's page: its vacancies only, said so with the way back to all.
    employer = service.get_employer(session, access, f.employer_id) if f.employer_id else None
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "after")]
    # Unchecked, the "open only" box sends nothing; the hidden field keeps the choice.
    query = urlencode(params)
    return render(
        request,
        "demand/pool.html",
        {
            "result": result,
            "f": f,
            "employer": employer,
            "params": dict(params),
            "query": query,
            "choices": POOL_CHOICES,
            "today": clock.today(),
            "can_post": can_post(access),
            "view": list_view(
                request,
                Paging(at.page, at.page_size),
                result.total,
                Sorting(f.sort),
                capped=result.total_capped,
                cursor=result.next_after,
            ),
            "own_tenant": access.tenant_id,
        },
    )


def _employer_choices(session: DbSession, access: AccessContext) -> list[tuple[str, str]]:
    rows, _total = service.list_employers(
        session, access, owner_id=access.tenant_id, page_size=MAX_EMPLOYERS_IN_FORM
    )
    return [(str(e.id), f"{e.name}（{e.credit_code}）") for e in rows]


def _form(
    request: Request,
    page: WebPage,
    session: DbSession,
    *,
    vacancy: Vacancy | None,
    values: dict[str, Any],
    error: AppError | None = None,
) -> Response:
    return render(
        request,
        "demand/vacancy_form.html",
        {
            "vacancy": vacancy,
            "values": values,
            "errors": errors_by_field(error),
            "message": general_message(error),
            "choices": CHOICES,
            "employers": [] if vacancy else _employer_choices(session, page.ctx),
        },
        status_code=error.status if error else 200,
    )


@router.get("/new")
def new_form(
    request: Request, page: TenantPage, session: DbSession, employer: uuid.UUID | None = None
) -> Response:
    service.require_poster(page.ctx)
    values = {"employer_id": str(employer) if employer else "", "headcount": 1, "status": "open"}
    return _form(request, page, session, vacancy=None, values=values)


@router.post("/new")
def create(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    data = vacancy_data(form, editing=False)
    with rerender_on_error(
        lambda e: _form(
            request, page, session, vacancy=None, values=submitted_values(data), error=e
        ),
        (404, 409, 422),
    ):
        body = validate(VacancyCreate, data)
        vacancy = service.create_vacancy(
            session, page.ctx, body.employer_id, body.model_dump(exclude={"employer_id"})
        )
    flash(page, gettext("Vacancy {title} posted.", title=vacancy.title))
    return RedirectResponse(f"/vacancies/{vacancy.id}", status_code=303)


@router.get("/{vacancy_id}")
def detail(
    vacancy_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession, cipher: Cipher
) -> Response:
    access = page.ctx
    today = clock.today()
    vacancy = service.get_vacancy(session, access, vacancy_id)
    # Anyone of the register, not only the matched, can be referred: searched for by name.
    others = (
        picker(
            session, access, cipher, Kind.LABORER, "laborer_ids", request.query_params, multi=True
        )
        if can_refer(access) and access.read_ids(DataKind.LABORER)
        else None
    )
    matches = None
    if access.read_ids(DataKind.LABORER):
        _vacancy, matches = matching.for_vacancy(session, access, vacancy_id, today=today)
    board = referrals.board(session, access, vacancy_id=vacancy_id)
    return render(
        request,
        "demand/vacancy_detail.html",
        {
            "v": vacancy,
            "status": service.status_of(vacancy, today),
            "matches": matches,
            "board": board,
            "rows": board_rows(access, board.items),
            "counts": status_counts(board.counts),
            "can_edit": can_post(access) and access.can_write(DataKind.DEMAND, vacancy.tenant_id),
            "can_refer": can_refer(access),
            "referred": {r.laborer_id for r in board.items if r.status.value != "withdrawn"},
            "others": others,
            "today": today,
        },
    )


@router.get("/{vacancy_id}/edit")
def edit_form(
    vacancy_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    vacancy = service.get_vacancy(session, page.ctx, vacancy_id)
    service.require_poster(page.ctx, vacancy.tenant_id)
    values = vacancy_values(vacancy)
    values["status"] = service.vacancy_record(vacancy).status
    return _form(request, page, session, vacancy=vacancy, values=values)


@router.post("/{vacancy_id}/edit")
def edit(
    vacancy_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = vacancy_data(form, editing=True)
    data["version"] = form.get("version") or 0
    vacancy = service.get_vacancy(session, page.ctx, vacancy_id)
    with rerender_on_error(
        lambda e: _form(
            request, page, session, vacancy=vacancy, values=submitted_values(data), error=e
        )
    ):
        body = validate(VacancyUpdate, data)
        saved = service.update_vacancy(
            session,
            page.ctx,
            vacancy_id,
            body.model_dump(exclude_unset=True, exclude={"version"}),
            version=body.version,
        )
    flash(page, gettext("Vacancy {title} saved.", title=saved.title))
    return RedirectResponse(f"/vacancies/{vacancy_id}", status_code=303)
