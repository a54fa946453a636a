"""The events themselves: frozen facts, plain ids and days only, so that an event can
wait in a job row and be rebuilt there (`bus.to_params`, `bus.from_params`)."""

import uuid
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class LaborerHired(Event):
    """A referral reached "hired": the laborer starts work at the vacancy's employer.

    Raised by the referral pipeline inside the hire's transaction. `county_id` is the
    laborer's county (the referral's tenant); `recorded_on` is the business day the hire
    was recorded, the day its after-commit work judges as of, however late it runs."""

    referral_id: uuid.UUID
    laborer_id: uuid.UUID
    county_id: uuid.UUID
    vacancy_id: uuid.UUID
    hired_on: date
    recorded_on: date


EVENTS: dict[str, type[Event]] = {cls.__name__: cls for cls in (LaborerHired,)}
