"""SQL of the remembered figures (shared_models/figure_cache.py): the change counts a
reader's view sees, and its remembered figures, read and written under row security."""

from datetime import datetime

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.access import AccessContext
from shared_models import StatChange, StatFigure


def changes(session: Session, access: AccessContext) -> tuple[int, int]:
    """(how many, sum of ids) of the change rows of the view's tenants and of everyone."""
    seen, total = session.execute(
        select(func.count(), func.coalesce(func.sum(StatChange.id), 0)).where(
            or_(
                StatChange.tenant_id.in_(sorted(access.figure_tenants)),
                StatChange.tenant_id.is_(None),
            )
        )
    ).one()
    return int(seen), int(total)


def find(
    session: Session, access: AccessContext, view_key: str, figure_key: str
) -> tuple[int, int, object] | None:
    """(changes seen, their id sum, value) of a remembered figure. A plain row, not an
    ORM object: keep() replaces it by statement."""
    found = session.execute(
        select(StatFigure.changes_seen, StatFigure.changes_sum, StatFigure.value).where(
            StatFigure.tenant_id == access.tenant_id,
            StatFigure.view_key == view_key,
            StatFigure.figure_key == figure_key,
        )
    ).first()
    return (int(found[0]), int(found[1]), found[2]) if found else None


# Advisory locks of remembered figures: (this class, 32 bits of the figure's key).
_LOCK_CLASS = 1713


def _lock_key(view_key: str, figure_key: str) -> int:
    return int.from_bytes(bytes.fromhex(figure_key[:8]), "big", signed=True) ^ int.from_bytes(
        bytes.fromhex(view_key[:8]), "big", signed=True
    )


_REPLACED = ("changes_seen", "changes_sum", "value", "computed_at")


def keep(
    session: Session,
    access: AccessContext,
    view_key: str,
    figure_key: str,
    seen: tuple[int, int],
    value: object,
    now: datetime,
) -> None:
    """Insert or replace the figure, unless another transaction is writing it right now
    (then that one's will do). Writers never wait on each other: two requests keeping
    the same two figures in opposite orders would otherwise deadlock, one failing."""
    # session.bind is Optional in the types; a request's session is always bound.
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
        select(func.pg_try_advisory_xact_lock(_LOCK_CLASS, _lock_key(view_key, figure_key)))
    ):
        return
    insert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
    row = {
        "tenant_id": access.tenant_id,
        "view_key": view_key,
        "figure_key": figure_key,
        "changes_seen": seen[0],
        "changes_sum": seen[1],
        "value": value,
        "computed_at": now,
    }
    statement = insert(StatFigure).values(**row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "view_key", "figure_key"],
            set_={k: statement.excluded[k] for k in _REPLACED},
        )
    )


def system_tidy(session: Session) -> None:
    """The nightly tidy-up, platform-wide by design (a system operation: no reader's
    view): empty the change log and drop every remembered figure (each was keyed to a
    day that has passed). Emptied together, no figure can match counts it was not
    computed at. TRUNCATE (the owner's) takes every tenant's rows, which row security
    would hide from a DELETE, and waits for requests reading them to finish."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("TRUNCATE stat_changes, stat_figures"))
    else:
        session.execute(delete(StatChange))
        session.execute(delete(StatFigure))
