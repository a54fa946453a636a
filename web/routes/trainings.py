"""Training course pages: the list, a new course and its edit form, the course with its
sessions. The roster and attendance are in `training_roster`."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.access import DataKind
from api.deps import DbSession
from api.errors import AppError
from api.i18n import gettext
from api.labels import options
from api.paging import Pager
from api.schemas import VersionIn
from api.trainings import outcomes, reads, service
from api.trainings.schemas import SessionIn, TrainingCreate
from shared_models import Training
from shared_models.enums import Permission, TrainingType
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import clean, errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.rendering import render

router = APIRouter(include_in_schema=False)
CHOICES = {"training_type": options(TrainingType)}
COURSE_FIELDS = [
    "title",
    "occupation",
    "occupation_code",
    "training_type",
    "provider",
    "location",
    "starts_on",
    "ends_on",
    "capacity",
    "subsidy_amount",
    "note",
]
# Set from the form's rows and checkbox rather than a single field.
EDITED_EXTRA = ("teachers", "subsidy_payer_id", "co_organizer_id")


@router.get("/trainings")
def training_list(request: Request, page: TenantPage, session: DbSession, pager: Pager) -> Response:
    rows, total = reads.listing(session, page.ctx, offset=pager.offset, limit=pager.limit)
    counts = reads.status_counts(session, page.ctx, [t.id for t in rows])
    return render(
        request,
        "trainings/list.html",
        {
            "rows": rows,
            "total": total,
            "view": list_view(request, pager, total),
            "counts": counts,
            "can_plan": _can_plan(page),
        },
    )


def _can_plan(page: WebPage) -> bool:
    return page.ctx.can_write(DataKind.EVENT, page.ctx.tenant_id)


def _teachers(form: Any) -> list[dict[str, str | None]]:
    """One row per teacher named (name and where they come from); blank rows dropped."""
    names, origins = form.getlist("teacher_name"), form.getlist("teacher_origin")
    rows = []
    for i, name in enumerate(names):
        origin = str(origins[i]).strip() if i < len(origins) else ""
        if str(name).strip():
            rows.append({"name": str(name).strip(), "origin": origin or None})
    return rows


def _course_values(form: Any, page: WebPage) -> dict[str, Any]:
    """The course as the form gives it, in the API's terms."""
    values = clean(form, COURSE_FIELDS)
    values["teachers"] = _teachers(form)
    values["subsidy_payer_id"] = str(page.ctx.tenant_id) if values.get("subsidy_amount") else None
    partner = form.get("with_partner") == "on" and len(page.ctx.partner_ids) == 1
    values["co_organizer_id"] = str(next(iter(page.ctx.partner_ids))) if partner else None
    return values


def _form(
    request: Request,
    page: WebPage,
    values: dict[str, Any],
    *,
    training: Training | None = None,
    error: AppError | None = None,
) -> Response:
    return render(
        request,
        "trainings/form.html",
        {
            "t": training,
            "choices": CHOICES,
            "errors": errors_by_field(error),
            "message": general_message(error),
            "values": values,
            "has_partner": len(page.ctx.partner_ids) == 1,
        },
        status_code=error.status if error else 200,
    )


def _shown(values: dict[str, Any], version: object = None) -> dict[str, Any]:
    """The submitted course as the form shows it again after an error."""
    shown = {**values, "with_partner": values.get("co_organizer_id") is not None}
    if version is not None:
        shown["version"] = version
    return shown


def _stored_values(training: Training) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(training, name) for name in COURSE_FIELDS}
    values["teachers"] = list(training.teachers)
    values["with_partner"] = training.co_organizer_id is not None
    values["version"] = training.version
    return values


@router.get("/trainings/new")
def new_training(request: Request, page: TenantPage) -> Response:
    return _form(request, page, {"with_partner": True, "teachers": []})


@router.post("/trainings/new")
def create_training(
    request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    values = _course_values(form, page)
    with rerender_on_error(lambda e: _form(request, page, _shown(values), error=e)):
        body = validate(TrainingCreate, values)
        training = service.create(session, page.ctx, service.TrainingInput(**body.model_dump()))
    flash(page, gettext("Course {title} planned.", title=training.title))
    return RedirectResponse(f"/trainings/{training.id}", status_code=303)


@router.get("/trainings/{training_id}/edit")
def edit_training(
    training_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    training = service.get(session, page.ctx, training_id)
    service.require_organizer(page.ctx, training)
    return _form(request, page, _stored_values(training), training=training)


@router.post("/trainings/{training_id}/edit")
def save_training(
    training_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    """Every field as the form shows it: an emptied optional field is cleared, an
    emptied required one is refused (the course is checked as a whole, as when new)."""
    training = service.get(session, page.ctx, training_id)
    values = _course_values(form, page)
    # What the form cannot show stays as it is: a payer other than this bureau, and a
    # co-organizer where there is no single partner to tick.
    if values.get("subsidy_amount") and training.subsidy_payer_id is not None:
        values["subsidy_payer_id"] = str(training.subsidy_payer_id)
    if len(page.ctx.partner_ids) != 1 and training.co_organizer_id is not None:
        values["co_organizer_id"] = str(training.co_organizer_id)
    shown = _shown(values, form.get("version"))
    with rerender_on_error(
        lambda e: _form(request, page, shown, training=training, error=e), (403, 409, 422)
    ):
        version = validate(VersionIn, {"version": form.get("version")}).version
        body = validate(TrainingCreate, values)
        changes = body.model_dump(include={*COURSE_FIELDS, *EDITED_EXTRA})
        saved = service.update(session, page.ctx, training_id, changes, version=version)
    flash(page, gettext("Course {title} saved.", title=saved.title))
    return RedirectResponse(f"/trainings/{training_id}", status_code=303)


def _detail(
    request: Request,
    page: WebPage,
    session: DbSession,
    training_id: uuid.UUID,
    *,
    error: AppError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    access = page.ctx
    training = service.get(session, access, training_id)
    return render(
        request,
        "trainings/detail.html",
        {
            "t": training,
            "counts": reads.status_counts(session, access, [training.id])[training.id],
            "outcomes": outcomes.outcomes(session, access, training.id),
            "can_edit": access.can_write(DataKind.EVENT, training.tenant_id)
            and access.can(Permission.WRITE),
            "sees_roster": service.sees_roster(access, training),
            "errors": errors_by_field(error),
            "message": general_message(error),
            "values": values or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/trainings/{training_id}")
def training_page(
    training_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    return _detail(request, page, session, training_id)


@router.post("/trainings/{training_id}/sessions")
def add_session(
    training_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = {k: v for k, v in form.items() if k != "csrf_token"}
    with rerender_on_error(
        lambda e: _detail(request, page, session, training_id, error=e, values=data)
    ):
        body = validate(SessionIn, clean(data, ["held_on", "starts_at", "ends_at", "topic"]))
        added = service.add_session(session, page.ctx, training_id, **body.model_dump())
    flash(page, gettext("Session of {day} added.", day=added.held_on.isoformat()))
    return RedirectResponse(f"/trainings/{training_id}#sessions", status_code=303)
