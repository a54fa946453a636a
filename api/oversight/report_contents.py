"""What a period report's page shows: the figures frozen at submission, their revisions
since, and the change against the previous period of its kind."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.errors import NotFound
from api.oversight import report_repository as repository
from api.oversight import snapshots
from api.oversight.indicators import Indicator
from api.oversight.periods import Period, parse
from shared_models import PeriodReport, StatSnapshot


@dataclass(frozen=True)
class Row:
    """One indicator of a report: frozen at submission, now (when revised), and the
    previous period's figure with the change."""

    indicator: Indicator
    frozen: snapshots.Figure
    revised: snapshots.Revision | None
    previous: snapshots.Figure | None
    change: float | int | None


class PreviousSource(StrEnum):
    REPORT = "report"  # the previous period's report, as submitted
    LIVE = "live"  # counted from the records now (no report of it)
    SNAPSHOT = "snapshot"  # the bureau's newest snapshot of it (a supervisor's view)
    NONE = "none"  # nothing the caller may read


class RevisionSource(StrEnum):
    LIVE = "live"  # against the records now (the bureau's own view)
    SNAPSHOT = "snapshot"  # against the bureau's newer snapshot (a supervisor's view)
    NONE = "none"  # a supervisor, and no newer snapshot of the bureau's


@dataclass(frozen=True)
class Contents:
    report: PeriodReport
    period: Period
    snapshot: StatSnapshot
    rows: list[Row]
    revisions: list[snapshots.Revision]
    revision_source: RevisionSource
    revised_snapshot: StatSnapshot | None
    previous_period: Period
    previous_source: PreviousSource
    previous_report: PeriodReport | None


def contents(
    session: Session, access: AccessContext, report: PeriodReport, today: date | None = None
) -> Contents:
    """What the report page shows: the frozen figures, their revisions, and the change
    against the previous period of its kind (for a 旬 the 旬分析's change)."""
    today = today or clock.today()
    period = parse(report.period_code)
    snapshot = repository.snapshot(session, access, report.snapshot_id)
    if snapshot is None:
        raise NotFound()
    own = report.tenant_id == access.tenant_id
    revised_snapshot = None
    if own:
        revisions = snapshots.revisions(session, access, snapshot, today)
        revision_source = RevisionSource.LIVE
    else:
        # A supervisor reads no records: a later correction shows once the bureau's
        # figures are frozen again (the nightly snapshot after the period, a resubmission).
        newest = repository.newest_snapshot(session, access, report.tenant_id, period.code)
        if newest is not None and newest.id != snapshot.id and newest.taken_at > snapshot.taken_at:
            revisions = snapshots.compare(snapshot, newest)
            revision_source = RevisionSource.SNAPSHOT
            revised_snapshot = newest
        else:
            revisions, revision_source = [], RevisionSource.NONE
    previous_period = period.previous()
    previous_report = repository.of_period(session, access, report.tenant_id, previous_period.code)
    previous: dict[str, snapshots.Figure] = {}
    if previous_report is not None and (
        before := repository.snapshot(session, access, previous_report.snapshot_id)
    ):
        previous = {i.code: f for i, f in snapshots.frozen(before)}
        previous_source = PreviousSource.REPORT
    elif own:
        previous = {i.code: f for i, f in snapshots.live(session, access, previous_period, today)}
        previous_source = PreviousSource.LIVE
    elif before := repository.newest_snapshot(
        session, access, report.tenant_id, previous_period.code
    ):
        previous = {i.code: f for i, f in snapshots.frozen(before)}
        previous_source = PreviousSource.SNAPSHOT
    else:
        previous_source = PreviousSource.NONE
    by_code = {r.indicator.code: r for r in revisions}
    rows = []
    for found, figure in snapshots.frozen(snapshot):
        was = previous.get(found.code)
        change = None
        if was is not None and was.value is not None and figure.value is not None:
            change = (
                round(figure.value - was.value, 1) if found.is_rate else figure.value - was.value
            )
        rows.append(Row(found, figure, by_code.get(found.code), was, change))
    return Contents(
        report,
        period,
        snapshot,
        rows,
        revisions,
        revision_source,
        revised_snapshot,
        previous_period,
        previous_source,
        previous_report if previous_source is PreviousSource.REPORT else None,
    )
