"""Training roster pages: enrollments and the waitlist, enrolling from the
training-need roster, withdrawal and completion, and the attendance sheet of a session.
The course itself is on the pages of `trainings`."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.access import DataKind
from api.deps import DbSession, get_cipher
from api.errors import AppError, FieldError, ValidationFailed
from api.i18n import _, gettext
from api.paging import Pager, Paging, Sorting, sorting
from api.pickers.service import Kind
from api.sort_keys import EnrollmentSort
from api.trainings import enrollment, reads, service
from api.trainings.schemas import CompleteIn, WithdrawIn
from shared_models.enums import Permission
from web.deps import PostedForm, TenantForm, TenantPage, WebPage, safe_next
from web.flash import flash
from web.forms import clean, errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.pickers import is_picking, picker
from web.rendering import render

router = APIRouter(include_in_schema=False)


def _roster(
    request: Request,
    page: WebPage,
    session: DbSession,
    training_id: uuid.UUID,
    *,
    error: AppError | None = None,
    form: Any = None,
    pager: Paging = Paging(),
    sort: Sorting[EnrollmentSort] = Sorting(),
) -> Response:
    access = page.ctx
    training = service.get(session, access, training_id)
    enrolled, total = service.roster_page(
        session,
        access,
        training,
        waitlisted=False,
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    # The waitlist is a queue served in its order: shown whole, never re-sorted.
    waiting, _waiting = service.roster_page(session, access, training, waitlisted=True, limit=None)
    # Anyone of the county, found by name, ID tail or village, besides the suggestions.
    people = picker(
        session, access, get_cipher(request), Kind.LABORER, "laborer_id", form or {}, multi=True
    )
    path = f"/trainings/{training.id}/roster"
    kept: dict[str, str] | None = None if request.method == "GET" else {}
    return render(
        request,
        "trainings/roster.html",
        {
            "t": training,
            "enrolled": enrolled,
            "waiting": waiting,
            "view": list_view(request, pager, total, sort, path=path, params=kept),
            "attended": reads.attendance_counts(session, access, training),
            "suggestions": reads.suggestions(session, access, training),
            "people": people,
            "can_enroll": bool(access.write_ids(DataKind.LABORER)) and access.can(Permission.WRITE),
            "runs_class": service.is_organizer(access, training) and access.can(Permission.WRITE),
            "errors": errors_by_field(error),
            "message": general_message(error) or (error.message() if error else None),
        },
        status_code=error.status if error else 200,
    )


@router.get("/trainings/{training_id}/roster")
def roster_page(
    training_id: uuid.UUID,
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Annotated[Sorting[EnrollmentSort], Depends(sorting(EnrollmentSort))],
) -> Response:
    return _roster(request, page, session, training_id, pager=pager, sort=sort)


def _roster_action(
    request: Request,
    page: WebPage,
    session: DbSession,
    training_id: uuid.UUID,
    action: Callable[[FormData], None],
    form: FormData,
) -> Response:
    with rerender_on_error(
        lambda e: _roster(request, page, session, training_id, error=e), (403, 409, 422)
    ):
        action(form)
    # Back to the page, size and sort the row was acted on from.
    roster = f"/trainings/{training_id}/roster"
    back = safe_next(str(form.get("back") or ""))
    return RedirectResponse(back if back.startswith(roster) else roster, status_code=303)


@router.post("/trainings/{training_id}/roster")
def enroll(
    training_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    if is_picking(form):
        return _roster(request, page, session, training_id, form=form)

    def action(form: FormData) -> None:
        # A person ticked both in the picker and in the suggestions is enrolled once.
        chosen = list(dict.fromkeys(form.getlist("laborer_id")))
        if not chosen:
            raise ValidationFailed(
                errors=[FieldError("laborer_id", _("Tick at least one laborer."), "missing")]
            )
        try:
            ids = [uuid.UUID(str(v)) for v in chosen]
        except ValueError:
            raise ValidationFailed(
                errors=[FieldError("laborer_id", _("Tick at least one laborer."), "invalid")]
            ) from None
        enrollment.enroll(session, page.ctx, training_id, ids)
        flash(page, gettext("{n} laborers enrolled or put on the waiting list.", n=len(ids)))

    return _roster_action(request, page, session, training_id, action, form)


@router.post("/trainings/{training_id}/roster/{enrollment_id}/withdraw")
def withdraw(
    training_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    def action(form: FormData) -> None:
        body = validate(WithdrawIn, clean(form, ["reason"]))
        enrollment.withdraw(session, page.ctx, training_id, enrollment_id, reason=body.reason)
        flash(page, gettext("Withdrawal recorded."))

    return _roster_action(request, page, session, training_id, action, form)


@router.post("/trainings/{training_id}/roster/{enrollment_id}/complete")
def complete(
    training_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    def action(form: FormData) -> None:
        body = validate(
            CompleteIn,
            clean(form, ["assessment_result", "certificate_number", "completed_on"]),
        )
        enrollment.complete(session, page.ctx, training_id, enrollment_id, **body.model_dump())
        flash(page, gettext("Completion recorded."))

    return _roster_action(request, page, session, training_id, action, form)


def _sheet(
    request: Request,
    page: WebPage,
    session: DbSession,
    training_id: uuid.UUID,
    session_id: uuid.UUID,
    *,
    error: AppError | None = None,
) -> Response:
    access = page.ctx
    training = service.get(session, access, training_id)
    class_session, enrollees, marks = enrollment.attendance_sheet(
        session, access, training, session_id
    )
    return render(
        request,
        "trainings/attendance.html",
        {
            "t": training,
            "s": class_session,
            "enrollees": enrollees,
            "marks": marks,
            "runs_class": service.is_organizer(access, training) and access.can(Permission.WRITE),
            "message": error.message() if error else None,
        },
        status_code=error.status if error else 200,
    )


@router.get("/trainings/{training_id}/sessions/{session_id}/attendance")
def attendance_page(
    training_id: uuid.UUID,
    session_id: uuid.UUID,
    request: Request,
    page: TenantPage,
    session: DbSession,
) -> Response:
    return _sheet(request, page, session, training_id, session_id)


@router.post("/trainings/{training_id}/sessions/{session_id}/attendance")
def save_attendance(
    training_id: uuid.UUID,
    session_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    """Every enrollee on the sheet is marked: ticked present, unticked absent."""
    try:
        on_sheet = [uuid.UUID(str(v)) for v in form.getlist("enrollment_id")]
        present = {str(v) for v in form.getlist("present")}
    except ValueError:
        on_sheet, present = [], set()
    with rerender_on_error(
        lambda e: _sheet(request, page, session, training_id, session_id, error=e), (403, 409, 422)
    ):
        enrollment.record_attendance(
            session,
            page.ctx,
            training_id,
            session_id,
            [(e, str(e) in present) for e in on_sheet],
        )
    came = sum(1 for e in on_sheet if str(e) in present)
    flash(
        page,
        gettext(
            "Attendance saved: {present} present, {absent} absent.",
            present=came,
            absent=len(on_sheet) - came,
        ),
    )
    return RedirectResponse(
        f"/trainings/{training_id}/sessions/{session_id}/attendance", status_code=303
    )
