"""Laborer registry pages: rosters, detail with surveys, create and edit forms, reveal."""

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import clock
from api.access import DataKind
from api.deps import AppSettings, Cipher, DbSession
from api.errors import AppError
from api.i18n import gettext
from api.labels import options
from api.paging import Pager, Sorting
from api.supply import fields, ledger, listing, service
from api.supply.filters import Filter
from api.supply.mapping import changes_from_update, record_from_create
from api.supply.records import normalize_phone
from api.supply.rosters import ROSTER_TITLES, Roster, SortKey
from api.supply.schemas import LaborerCreate, LaborerUpdate, SurveyIn
from shared_models.enums import (
    OrgKind,
    Permission,
    Sex,
)
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import checkbox, clean, errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.rendering import render

router = APIRouter(prefix="/laborers", include_in_schema=False)

# The form's inputs by how they are posted (api/supply/fields.py declares them).
_BY_KIND = {kind: [f.name for f in fields.INPUT if f.kind is kind] for kind in fields.Kind}
SCALARS = [
    f.name
    for f in fields.INPUT
    if f.kind in (fields.Kind.TEXT, fields.Kind.INT, fields.Kind.DATE, fields.Kind.ENUM)
]
FLAGS = _BY_KIND[fields.Kind.BOOL]
LISTS = _BY_KIND[fields.Kind.LIST]
OCCUPATIONS = _BY_KIND[fields.Kind.OCCUPATIONS]
REGISTRATION_ONLY = [f.name for f in fields.INPUT if not f.on_edit]
CHOICES = {
    **{f.name: options(f.enum) for f in fields.INPUT if f.enum is not None},
    "sex": options(Sex),
    "sort": options(SortKey),
}


def _can_register(page: WebPage) -> bool:
    access = page.ctx
    return access.tenant_kind is OrgKind.SENDING and access.can(Permission.WRITE)


def _form_data(form: Any, *, editing: bool) -> dict[str, Any]:
    data = clean(form, SCALARS)
    for name in FLAGS:
        data[name] = checkbox(form, name)
    for name in LISTS:
        data[name] = list(ledger.read_list(form.get(name)))
    for name in OCCUPATIONS:
        data[name] = [
            {"name": o.name, "code": o.code} for o in ledger.read_occupations(form.get(name))
        ]
    if editing:
        for name in REGISTRATION_ONLY:
            data.pop(name, None)
    return data


def _form_values(
    view: service.LaborerView | None, submitted: dict[str, Any] | None
) -> dict[str, Any]:
    """What the form shows: the submitted values after an error, else the record."""
    if submitted is not None:
        values = dict(submitted)
        for name in LISTS:
            values[name] = ";".join(submitted.get(name, []))
        for name in OCCUPATIONS:
            values[name] = ";".join(
                f"{o['name']}({o['code']})" if o.get("code") else o["name"]
                for o in submitted.get(name, [])
            )
        return values
    if view is None:
        return {}
    record = service.as_record(view)
    values = {name: getattr(record, name) for name in SCALARS + FLAGS if hasattr(record, name)}
    values["phone"] = ""
    values["id_number"] = ""
    for name in LISTS:
        values[name] = ";".join(getattr(record, name))
    for name in OCCUPATIONS:
        values[name] = ledger.write_occupations(getattr(record, name))
    values["version"] = view.laborer.version
    return values


def _query_string(params: dict[str, Any], **override: Any) -> str:
    merged = {k: v for k, v in {**params, **override}.items() if v not in (None, "", False)}
    return urlencode(merged)


# What the roster table shows (laborers/_roster_table.html), read as rows: building the
# page's fifty laborers as ORM objects was most of its Python time.
ROSTER_COLUMNS = (
    "name",
    "id_number_masked",
    "sex",
    "birth_date",
    "township",
    "village",
    "poverty_status",
    "employment_status",
    "transfer_willing",
    "transfer_scope",
    "entrepreneurship_intention",
)


@router.get("")
def roster_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    f: Filter,
    pager: Pager,
    settings: AppSettings,
    with_counts: bool = False,
) -> Response:
    access = page.ctx
    cap = settings.list_count_cap
    result = listing.list_rows(
        session,
        access,
        f,
        columns=ROSTER_COLUMNS,
        page=pager.page,
        page_size=pager.page_size,
        count_cap=cap,
    )
    # The tabs fetch their numbers after the page has shown (or at once, without
    # JavaScript); each stops counting past the cap.
    counts = service.roster_counts(session, access, cap) if with_counts else None
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "with_counts")}
    context = {
        "result": result,
        "counts": counts,
        "count_cap": cap,
        "rosters": list(Roster),
        "titles": ROSTER_TITLES,
        "params": params,
        "query": lambda **kw: _query_string(params, **kw),
        "choices": CHOICES,
        "today": clock.today(),
        "can_register": _can_register(page),
        "can_reveal": access.can(Permission.REVEAL_PII),
        "f": f,
        "view": list_view(
            request,
            pager,
            result.total,
            Sorting(f.sort, f.descending),
            capped=result.total_capped,
        ),
    }
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "roster":
        return render(request, "laborers/_roster_table.html", context)
    return render(request, "laborers/roster.html", context)


@router.get("/counts")
def roster_tabs(
    request: Request, page: TenantPage, session: DbSession, f: Filter, settings: AppSettings
) -> Response:
    """The roster tabs with their counts (fetched by the roster page after it shows)."""
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    cap = settings.list_count_cap
    return render(
        request,
        "laborers/_tabs.html",
        {
            "counts": service.roster_counts(session, page.ctx, cap),
            "count_cap": cap,
            "rosters": list(Roster),
            "titles": ROSTER_TITLES,
            "f": f,
            "query": lambda **kw: _query_string(params, **kw),
        },
    )


@router.get("/new")
def new_form(request: Request, page: TenantPage) -> Response:
    return render(request, "laborers/form.html", _form_context(page, None, None, None))


def _form_context(
    page: WebPage,
    view: service.LaborerView | None,
    submitted: dict[str, Any] | None,
    error: AppError | None,
) -> dict[str, Any]:
    values = _form_values(view, submitted)
    values.setdefault("region_code", page.ctx.tenant_region_code)
    return {
        "view": view,
        "values": values,
        "errors": errors_by_field(error),
        "message": general_message(error),
        "choices": CHOICES,
        "form_fields": fields.INPUT,
        "form_groups": [
            (group, [f for f in fields.in_group(group) if f.on_edit or view is None])
            for group in fields.GROUPS
        ],
        "liaison": page.ctx.tenant_kind is OrgKind.LIAISON,
    }


@router.post("/new")
def create(
    request: Request, page: TenantForm, session: DbSession, cipher: Cipher, form: PostedForm
) -> Response:
    data = _form_data(form, editing=False)
    with rerender_on_error(
        lambda e: render(
            request, "laborers/form.html", _form_context(page, None, data, e), status_code=e.status
        )
    ):
        body = validate(LaborerCreate, data)
        laborer = service.create(
            session,
            page.ctx,
            cipher,
            record_from_create(body, page.ctx.tenant_region_code),
            recorded_by=page.ctx.user_id,
        )
    flash(page, gettext("Laborer {name} registered.", name=laborer.name))
    return RedirectResponse(f"/laborers/{laborer.id}", status_code=303)


@router.get("/{laborer_id}")
def detail(
    laborer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    return _detail(request, page, session, laborer_id)


def _detail(
    request: Request,
    page: WebPage,
    session: DbSession,
    laborer_id: uuid.UUID,
    *,
    revealed: dict[str, Any] | None = None,
    survey_error: AppError | None = None,
    survey_values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    access = page.ctx
    view = service.get(session, access, laborer_id)
    surveys = service.surveys(session, access, laborer_id)
    return render(
        request,
        "laborers/detail.html",
        {
            "view": view,
            "lab": view.laborer,
            "lists": view.lists,
            "surveys": surveys,
            "revealed": revealed,
            "today": clock.today(),
            "can_edit": access.can_write(DataKind.LABORER, view.laborer.tenant_id),
            "can_survey": _can_register(page),
            "can_reveal": access.can(Permission.REVEAL_PII),
            "choices": CHOICES,
            "survey_errors": errors_by_field(survey_error),
            "survey_message": general_message(survey_error),
            "survey_values": survey_values or {},
        },
        status_code=status_code,
    )


@router.post("/{laborer_id}/reveal")
def reveal(
    laborer_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, cipher: Cipher
) -> Response:
    values = service.reveal(session, page.ctx, cipher, laborer_id)
    return _detail(request, page, session, laborer_id, revealed=values)


@router.post("/{laborer_id}/surveys")
def add_survey(
    laborer_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = clean(
        form,
        [
            "surveyed_on",
            "surveyor",
            "note",
            "employment_status",
            "employment_need",
            "skill_level",
            "employment_difficulty",
            "assistance_measure",
        ],
    )
    with rerender_on_error(
        lambda e: _detail(
            request, page, session, laborer_id, survey_error=e, survey_values=data, status_code=422
        ),
        (422,),
    ):
        body = validate(SurveyIn, data)
        service.add_survey(
            session,
            page.ctx,
            laborer_id,
            surveyed_on=body.surveyed_on,
            surveyor=body.surveyor,
            note=body.note,
            values=body.model_dump(exclude={"surveyed_on", "surveyor", "note"}),
        )
    flash(page, gettext("Survey of {day} added.", day=body.surveyed_on.isoformat()))
    return RedirectResponse(f"/laborers/{laborer_id}#surveys", status_code=303)


@router.get("/{laborer_id}/edit")
def edit_form(
    laborer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    view = service.get(session, page.ctx, laborer_id)
    return render(request, "laborers/form.html", _form_context(page, view, None, None))


@router.post("/{laborer_id}/edit")
def edit(
    laborer_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    cipher: Cipher,
    form: PostedForm,
) -> Response:
    data = _form_data(form, editing=True)
    if page.ctx.tenant_kind is OrgKind.LIAISON:
        data = {k: v for k, v in data.items() if k in service.LIAISON_FIELDS}
    if not data.get("id_number"):
        data.pop("id_number", None)  # empty: keep the registered number
    if not data.get("phone"):
        data.pop("phone", None)
    else:
        data["phone"] = normalize_phone(data["phone"])
    data["version"] = form.get("version") or 0
    view = service.get(session, page.ctx, laborer_id)
    with rerender_on_error(
        lambda e: render(
            request, "laborers/form.html", _form_context(page, view, data, e), status_code=e.status
        )
    ):
        body = validate(LaborerUpdate, data)
        saved = service.update(
            session, page.ctx, cipher, laborer_id, changes_from_update(body), version=body.version
        )
    flash(page, gettext("Laborer {name} saved.", name=saved.laborer.name))
    return RedirectResponse(f"/laborers/{laborer_id}", status_code=303)
