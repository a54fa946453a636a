"""Frozen figures of a period, and their revisions against the records now (issue 13).

A snapshot stores every built-in indicator as the records showed it when taken: a stock
as at the period's end (or the day taken, for a period under way), a flow during it.
It is never changed. A later correction to the records (a placement back-dated into the
period, a late registration) shows as a revision: the value recomputed now for the
same days against the frozen one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import FieldError, Forbidden, ValidationFailed
from api.i18n import _
from api.oversight import snapshot_repository, statistics_repository
from api.oversight.indicators import BUILT_IN, Indicator
from api.oversight.periods import Period
from shared_models import StatSnapshot, StatSnapshotValue
from shared_models.enums import Permission, SnapshotReason


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int | None
    value: float | int | None  # the count or sum; for a rate the percent (None: 0 below)


@dataclass(frozen=True)
class Revision:
    indicator: Indicator
    frozen: Figure
    now: Figure
    # now − frozen: people, yuan or count; for a rate in percentage points.
    difference: float | int | None


def _figure(found: Indicator, numerator: int, denominator: int | None) -> Figure:
    if not found.is_rate:
        return Figure(numerator, denominator, numerator)
    shown = round(100 * numerator / denominator, 1) if denominator else None
    return Figure(numerator, denominator, shown)


def take(
    session: Session,
    access: AccessContext,
    period: Period,
    reason: SnapshotReason,
    today: date,
) -> StatSnapshot | None:
    """Freeze the caller's figures of `period`. Only a manual snapshot or a report's
    (a week's report is due inside the week) may be of a period under way, counted up
    to today. None: a scheduled snapshot of the period was taken already, so nothing is
    done (the nightly run may be repeated)."""
    if not access.can_write(DataKind.SNAPSHOT, access.tenant_id):
        raise Forbidden(Permission.WRITE)
    if period.start > today or (reason is SnapshotReason.SCHEDULED and period.end >= today):
        raise ValidationFailed(
            errors=[
                FieldError(
                    "period",
                    _(
                        "The period {period} has not ended yet (it ends on {end}): only a "
                        "manual snapshot may be taken before then, and none before it begins."
                    ),
                    "period_not_ended",
                    {"period": period.code, "end": period.end.isoformat()},
                )
            ]
        )
    if reason is SnapshotReason.SCHEDULED and snapshot_repository.scheduled_exists(
        session, access, period.code
    ):
        return None
    as_of = min(period.end, today)
    snapshot = StatSnapshot(
        tenant_id=access.tenant_id,
        period_code=period.code,
        period_kind=period.kind.value,
        period_start=period.start,
        period_end=period.end,
        as_of=as_of,
        taken_at=clock.now(),
        taken_by_label=access.recorded_as,
        reason=reason,
    )
    for found in BUILT_IN:
        v = statistics_repository.value(
            session, access, found.code, period.start, as_of, today=today
        )
        snapshot.values.append(
            StatSnapshotValue(
                indicator=found.code,
                tenant_id=access.tenant_id,
                numerator=v.numerator,
                denominator=v.denominator,
            )
        )
    if not snapshot_repository.add(session, access, snapshot):
        return None
    audit.record(
        session,
        access,
        action="statistics.snapshot",
        entity_type="stat_snapshot",
        entity_id=snapshot.id,
        after={
            "period": period.code,
            "reason": reason.value,
            "as_of": as_of.isoformat(),
            "indicators": len(snapshot.values),
        },
    )
    return snapshot


def of_period(session: Session, access: AccessContext, period: Period) -> Sequence[StatSnapshot]:
    """The caller's own snapshots of the period, newest first."""
    return snapshot_repository.of_period(session, access, period.code)


def latest(session: Session, access: AccessContext, period_code: str) -> StatSnapshot | None:
    return snapshot_repository.latest(session, access, period_code)


def frozen(snapshot: StatSnapshot) -> list[tuple[Indicator, Figure]]:
    """The snapshot's values in the built-in order (an indicator since retired is left
    out: it has no definition to show it by)."""
    stored = {v.indicator: v for v in snapshot.values}
    return [
        (found, _figure(found, stored[found.code].numerator, stored[found.code].denominator))
        for found in BUILT_IN
        if found.code in stored
    ]


def live(
    session: Session, access: AccessContext, period: Period, today: date
) -> list[tuple[Indicator, Figure]]:
    """The figures of `period` as the records show them now (up to today for a period
    under way), in the built-in order: what a snapshot taken now would freeze."""
    as_of = min(period.end, today)
    out = []
    for found in BUILT_IN:
        v = statistics_repository.value(
            session, access, found.code, period.start, as_of, today=today
        )
        out.append((found, _figure(found, v.numerator, v.denominator)))
    return out


def compare(earlier: StatSnapshot, later: StatSnapshot) -> list[Revision]:
    """The indicators whose value differs between two snapshots of the same period (a
    supervisor, who reads no records, sees revisions this way: against the bureau's
    later snapshot)."""
    then = {i.code: f for i, f in frozen(later)}
    out = []
    for found, was in frozen(earlier):
        now = then.get(found.code)
        if now is None or (now.numerator, now.denominator) == (was.numerator, was.denominator):
            continue
        out.append(Revision(found, was, now, _difference(found, was, now)))
    return out


def _difference(found: Indicator, was: Figure, now: Figure) -> float | int | None:
    if now.value is None or was.value is None:
        return None
    return round(now.value - was.value, 1) if found.is_rate else now.value - was.value


def revisions(
    session: Session, access: AccessContext, snapshot: StatSnapshot, today: date
) -> list[Revision]:
    """The indicators whose value for the snapshot's days differs now from the frozen
    one, in the built-in order."""
    out = []
    for found, was in frozen(snapshot):
        v = statistics_repository.value(
            session, access, found.code, snapshot.period_start, snapshot.as_of, today=today
        )
        if (v.numerator, v.denominator) == (was.numerator, was.denominator):
            continue
        now = _figure(found, v.numerator, v.denominator)
        out.append(Revision(found, was, now, _difference(found, was, now)))
    return out
