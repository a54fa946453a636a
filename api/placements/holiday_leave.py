"""Holiday leave of placed laborers (返乡 / 返岗): the trip home, the return to post, and
the return board of who is away, overdue or back. Each change refreshes the laborer's
subsidy entitlements and raises its event (`LeaveStarted`, `LeaveEnded`), as the
placement itself does in `service`."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.errors import FieldError, NotFound, ValidationFailed
from api.events.bus import publish
from api.events.catalog import LeaveEnded, LeaveStarted
from api.i18n import _
from api.placements import repository
from api.placements.repository import ReturnState as ReturnState  # the pages' filter
from api.placements.service import check_version, get, require_county
from api.subsidies import entitlements
from shared_models import HolidayLeave


def start_leave(
    session: Session,
    access: AccessContext,
    placement_id: uuid.UUID,
    *,
    left_on: date,
    expected_return_on: date,
    trip: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> HolidayLeave:
    today = today or clock.today()
    placement = get(session, access, placement_id)
    require_county(access, placement.tenant_id)
    errors = []
    if placement.ended_on is not None:
        errors.append(FieldError("placement_id", _("This placement has ended."), "placement_ended"))
    if left_on < placement.started_on or left_on > today:
        errors.append(
            FieldError(
                "left_on",
                _("Give a date from {start} to today."),
                "date_range",
                {"start": placement.started_on.isoformat()},
            )
        )
    if expected_return_on < left_on:
        errors.append(
            FieldError("expected_return_on", _("The return is before the departure."), "date_order")
        )
    if any(v.returned_on is None for v in placement.leaves):
        errors.append(
            FieldError("placement_id", _("This laborer is already on leave."), "already_away")
        )
    if errors:
        raise ValidationFailed(errors=errors)
    leave = HolidayLeave(
        id=uuid.uuid4(),
        tenant_id=placement.tenant_id,
        placement_id=placement.id,
        laborer_id=placement.laborer_id,
        left_on=left_on,
        expected_return_on=expected_return_on,
        trip=trip,
        note=note,
        created_by=access.user_id,
    )
    repository.add(session, access, leave)
    audit.record(
        session,
        access,
        action="placement.leave",
        entity_type="placement",
        entity_id=placement.id,
        after={
            "left_on": left_on.isoformat(),
            "expected_return_on": expected_return_on.isoformat(),
        },
        tenant_id=placement.tenant_id,
    )
    entitlements.refresh(session, access, placement.laborer, today=today)
    publish(
        session,
        access,
        LeaveStarted(leave.id, leave.laborer_id, leave.tenant_id, left_on, recorded_on=today),
    )
    return leave


def record_return(
    session: Session,
    access: AccessContext,
    leave_id: uuid.UUID,
    *,
    returned_on: date,
    version: int,
    trip: str | None = None,
    today: date | None = None,
) -> HolidayLeave:
    today = today or clock.today()
    leave = repository.leave(session, access, leave_id)
    if leave is None:
        raise NotFound()
    require_county(access, leave.tenant_id)
    check_version(leave.version, version)
    if returned_on < leave.left_on or returned_on > today:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "returned_on",
                    _("Give a date from {start} to today."),
                    "date_range",
                    {"start": leave.left_on.isoformat()},
                )
            ]
        )
    leave.returned_on = returned_on
    if trip:
        leave.trip = trip
    session.flush()
    audit.record(
        session,
        access,
        action="placement.return",
        entity_type="placement",
        entity_id=leave.placement_id,
        after={"returned_on": returned_on.isoformat(), "trip": leave.trip},
        tenant_id=leave.tenant_id,
    )
    entitlements.refresh(session, access, leave.placement.laborer, today=today)
    publish(
        session,
        access,
        LeaveEnded(leave.id, leave.laborer_id, leave.tenant_id, returned_on, recorded_on=today),
    )
    return leave


@dataclass
class ReturnBoard:
    away: list[HolidayLeave]
    overdue: list[HolidayLeave]
    back: list[HolidayLeave]


def return_page(
    session: Session, access: AccessContext, *, since: date, today: date, **page: Any
) -> tuple[Sequence[HolidayLeave], int, dict[str, int]]:
    """A page of the return board, its true total and the count in each state (`state`,
    `offset`, `limit`, `sort`, `descending`)."""
    return repository.leaves_page(session, access, since=since, today=today, **page)


def return_board(
    session: Session, access: AccessContext, *, since: date, today: date | None = None
) -> ReturnBoard:
    """Everyone still away or overdue, whenever they left; `since` limits only who is
    shown as back (returned on or after that day)."""
    today = today or clock.today()
    board = ReturnBoard([], [], [])
    for leave in repository.leaves_board(session, access, since):
        getattr(board, state_of(leave, today).value).append(leave)
    return board


def state_of(leave: HolidayLeave, today: date) -> ReturnState:
    """Back once returned, overdue past the expected day, away until then (the
    repository's `_leave_state` says the same in SQL)."""
    if leave.returned_on is not None:
        return ReturnState.BACK
    if leave.expected_return_on < today:
        return ReturnState.OVERDUE
    return ReturnState.AWAY
