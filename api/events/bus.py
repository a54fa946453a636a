"""The registry of subscribers and `publish`, which a service calls to raise an event.

A subscriber runs in one of two phases:

- `IN_TRANSACTION`: at once, in the raising transaction and under the caller's context,
  for results that must hold together with the event (a hire's placement). Its errors
  roll the whole unit of work back.
- `AFTER_COMMIT`: queued as a background job row in the raising transaction, so a
  rolled-back event queues nothing; a worker runs it after the commit in a transaction
  of its own (`api/events/job.py`), for derived results that may lag (warnings).

Each domain registers its own subscribers (`<domain>/subscribers.py`); `wiring.wire()`
does it once per process. The raising domain imports only this module and the catalog,
never its subscribers (`.importlinter`)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any, get_type_hints

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.events.catalog import EVENTS, Event
from api.jobs import service as jobs

EVENT_JOB = "events.after_commit"

Subscriber = Callable[[Session, AccessContext, Any], None]


class Phase(StrEnum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


@dataclass(frozen=True)
class Subscription:
    name: str  # unique, "<domain>.<what it does>": how a queued job names it
    event: type[Event]
    phase: Phase
    handle: Subscriber


class Registry:
    def __init__(self) -> None:
        self.subscriptions: list[Subscription] = []
        self.wired = False

    def subscribe(self, event: type[Event], phase: Phase, name: str, handle: Subscriber) -> None:
        if any(s.name == name for s in self.subscriptions):
            raise ValueError(f"subscriber {name} is registered twice")
        self.subscriptions.append(Subscription(name, event, phase, handle))

    def of(self, event: type[Event]) -> list[Subscription]:
        return [s for s in self.subscriptions if s.event is event]

    def named(self, name: str) -> Subscription:
        return next(s for s in self.subscriptions if s.name == name)


REGISTRY = Registry()


def publish(session: Session, access: AccessContext, event: Event) -> None:
    """Raise `event` in the caller's transaction: run the in-transaction subscribers,
    queue one job per after-commit subscriber."""
    if not REGISTRY.wired:
        # A process that raises events without its subscribers would lose placements.
        raise RuntimeError("domain events are not wired: call api.events.wiring.wire()")
    for subscription in REGISTRY.of(type(event)):
        if subscription.phase is Phase.IN_TRANSACTION:
            subscription.handle(session, access, event)
        else:
            jobs.enqueue(
                session,
                access,
                None,
                EVENT_JOB,
                params={"subscriber": subscription.name, **to_params(event)},
            )


def to_params(event: Event) -> dict[str, Any]:
    values = {f.name: getattr(event, f.name) for f in fields(event)}
    return {
        "event": type(event).__name__,
        "fields": {k: v if v is None else str(v) for k, v in values.items()},
    }


_PARSERS: dict[Any, Callable[[str], Any]] = {uuid.UUID: uuid.UUID, date: date.fromisoformat}


def from_params(params: dict[str, Any]) -> Event:
    cls = EVENTS[params["event"]]
    hints = get_type_hints(cls)
    raw = params["fields"]
    return cls(**{k: None if v is None else _PARSERS[hints[k]](v) for k, v in raw.items()})
