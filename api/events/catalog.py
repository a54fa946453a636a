"""The events themselves: frozen facts, plain ids, days, kinds and tuples of ids only,
so that an event can wait in a job row and be rebuilt there (`bus.to_params`,
`bus.from_params`).

Every event names the laborers' county (`county_id`, the tenant of their register) and
`recorded_on`, the business day the fact was recorded: the day its after-commit work
judges as of, however late it runs."""

import uuid
from dataclasses import dataclass
from datetime import date

from shared_models.enums import CaseKind


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class LaborerHired(Event):
    """A referral reached "hired": the laborer starts work at the vacancy's employer.

    Raised by the referral pipeline inside the hire's transaction; `county_id` is the
    referral's tenant."""

    referral_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    vacancy_id: uuid.UUID
    hired_on: date
    recorded_on: date


@dataclass(frozen=True)
class PlacementRecorded(Event):
    """The county typed in a placement (self-found, or one from before the app); a hire's
    placement is `LaborerHired`'s, not this."""

    placement_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    recorded_on: date


@dataclass(frozen=True)
class PlacementEnded(Event):
    """An open placement was given its end date: the laborer left the job (a separation,
    recorded by the county or by the employer's bureau)."""

    placement_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    ended_on: date
    recorded_on: date


@dataclass(frozen=True)
class PlacementChanged(Event):
    """Any other edit of a placement: its dates, employer, place, channel or reason (a
    reopened placement too)."""

    placement_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    recorded_on: date


@dataclass(frozen=True)
class LeaveStarted(Event):
    """A placed laborer went home for the holiday (返乡), expected back on a day."""

    leave_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    left_on: date
    recorded_on: date


@dataclass(frozen=True)
class LeaveEnded(Event):
    """A laborer on holiday leave returned to post (返岗)."""

    leave_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    returned_on: date
    recorded_on: date


@dataclass(frozen=True)
class VerificationsRecorded(Event):
    """Months in post (or not) were recorded for these laborers of one county: one by a
    form, or a whole batch (the sheet, an employer's or the social-insurance list) as
    one event, never one per row."""

    county_id: uuid.UUID
    laborer_ids: tuple[uuid.UUID, ...]
    recorded_on: date


@dataclass(frozen=True)
class CaseEvent(Event):
    """A case and whom it concerns: its laborers (all of one county) and, for a dispute,
    the employers it names now or named before the change."""

    case_id: uuid.UUID
    kind: CaseKind
    county_id: uuid.UUID
    laborer_ids: tuple[uuid.UUID, ...]
    employer_ids: tuple[uuid.UUID, ...]
    recorded_on: date


@dataclass(frozen=True)
class CaseOpened(CaseEvent):
    """A liaison office opened a case."""


@dataclass(frozen=True)
class CaseChanged(CaseEvent):
    """Any other change of a case's record (taken up again after a referral included)."""


@dataclass(frozen=True)
class CaseClosed(CaseEvent):
    """A case was finished: resolved, referred elsewhere or closed."""


EVENTS: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        LaborerHired,
        PlacementRecorded,
        PlacementEnded,
        PlacementChanged,
        LeaveStarted,
        LeaveEnded,
        VerificationsRecorded,
        CaseOpened,
        CaseChanged,
        CaseClosed,
    )
}
