"""The registry of subscribers and `publish`, which a service calls to raise an event.

A subscriber runs in one of two phases:

- `IN_TRANSACTION`: at once, in the raising transaction and under the caller's context,
  for results that must hold together with the event (a hire's placement). Its errors
  roll the whole unit of work back.
- `AFTER_COMMIT`: queued as a background job row in the raising transaction, so a
  rolled-back event queues nothing; a worker runs it after the commit in a transaction
  of its own (`api/events/job.py`), for derived results that may lag (warnings).

A subscriber may name the events it cares for (`when`, judged at `publish`), so that an
event it ignores queues nothing. Each domain registers its own subscribers
(`<domain>/subscribers.py`); `wiring.wire()` does it once per process. The raising
domain imports only this module and the catalog, never its subscribers (`.importlinter`)."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any, get_args, get_origin, get_type_hints

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.events.catalog import EVENTS, Event
from api.jobs import service as jobs

EVENT_JOB = "events.after_commit"

Subscriber = Callable[[Session, AccessContext, Any], None]
Condition = Callable[[Any], bool]
HELD = "events.held"  # session.info key: after-commit work a bulk loader runs itself


class Phase(StrEnum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


@dataclass(frozen=True)
class Subscription:
    name: str  # unique, "<domain>.<what it does>": how a queued job names it
    event: type[Event]
    phase: Phase
    handle: Subscriber
    when: Condition | None = None

    def wants(self, event: Event) -> bool:
        return self.when is None or self.when(event)


@dataclass(frozen=True)
class Held:
    """After-commit work kept back by `held`: what to run, under whose context."""

    subscription: Subscription
    access: AccessContext
    event: Event


class Registry:
    def __init__(self) -> None:
        self.subscriptions: list[Subscription] = []
        self.wired = False

    def subscribe(
        self,
        event: type[Event],
        phase: Phase,
        name: str,
        handle: Subscriber,
        *,
        when: Condition | None = None,
    ) -> None:
        if any(s.name == name for s in self.subscriptions):
            raise ValueError(f"subscriber {name} is registered twice")
        self.subscriptions.append(Subscription(name, event, phase, handle, when))

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
    held_back: list[Held] | None = session.info.get(HELD)
    for subscription in REGISTRY.of(type(event)):
        if not subscription.wants(event):
            continue
        if subscription.phase is Phase.IN_TRANSACTION:
            subscription.handle(session, access, event)
        elif held_back is not None:
            held_back.append(Held(subscription, access, event))
        else:
            jobs.enqueue(
                session,
                access,
                None,
                EVENT_JOB,
                params={"subscriber": subscription.name, **to_params(event)},
            )


@contextmanager
def held(session: Session) -> Iterator[list[Held]]:
    """For a bulk loader (the demo) that raises many events in one transaction: their
    after-commit work is kept in the yielded list instead of queued one job each, and
    the loader runs it itself at the end (`run_held`). Never in a request."""
    kept: list[Held] = []
    session.info[HELD] = kept
    try:
        yield kept
    finally:
        session.info.pop(HELD, None)


def run_held(session: Session, kept: list[Held]) -> None:
    """Run kept after-commit work in the caller's transaction, as the worker would."""
    for work in kept:
        work.subscription.handle(session, work.access, work.event)


def _dump(value: Any) -> Any:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return value if value is None else str(value)


def to_params(event: Event) -> dict[str, Any]:
    values = {f.name: getattr(event, f.name) for f in fields(event)}
    return {"event": type(event).__name__, "fields": {k: _dump(v) for k, v in values.items()}}


_PARSERS: dict[Any, Callable[[str], Any]] = {uuid.UUID: uuid.UUID, date: date.fromisoformat}


def _parser(hint: Any) -> Callable[[Any], Any]:
    if get_origin(hint) is tuple:  # tuple[X, ...]: a list in the job row
        item = _parser(get_args(hint)[0])
        return lambda values: tuple(item(v) for v in values)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return hint
    return _PARSERS[hint]


def from_params(params: dict[str, Any]) -> Event:
    cls = EVENTS[params["event"]]
    hints = get_type_hints(cls)
    raw = params["fields"]
    return cls(**{k: None if v is None else _parser(hints[k])(v) for k, v in raw.items()})
