"""`laborbridge stats snapshot`: freeze each county's and liaison office's figures of
the periods that have ended (nightly), or of one period named. `laborbridge stats tidy`:
the remembered figures' nightly tidy-up."""

from datetime import date, timedelta
from typing import Annotated

import typer

from api import clock
from api.access import snapshot_system_access
from api.cli.common import err, load_settings, out, report
from api.cli.scheduled import scheduled
from api.db import Database, apply_access
from api.errors import AppError
from api.oversight import figures, snapshots
from api.oversight.periods import Period, PeriodKind, parse, period_of
from api.tenancy import repository as tenancy_repository
from shared_models.enums import OrgKind, SnapshotReason

stats_app = typer.Typer(help="Statistics (周统计、旬分析、月调度).", no_args_is_help=True)

# The reporting cycle's periods; quarters and years end with a month and are read from
# the months.
NIGHTLY_KINDS = (PeriodKind.WEEK, PeriodKind.XUN, PeriodKind.MONTH)


def ended_yesterday(today: date) -> list[Period]:
    """The periods whose last day was yesterday: the week on a Monday, the 旬 on the
    1st, 11th and 21st, the month on the 1st."""
    yesterday = today - timedelta(days=1)
    found = (period_of(kind, yesterday) for kind in NIGHTLY_KINDS)
    return [p for p in found if p.end == yesterday]


@stats_app.command("snapshot")
@scheduled("stats snapshot")
def snapshot(
    period: Annotated[
        str | None,
        typer.Option(
            help="A period code: 2026-W49, 2026-12-2 (旬), 2026-12, 2026-Q4, 2026; "
            "default the week, 旬 and month that ended yesterday"
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Today is this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Freeze every sending county's and liaison office's figures of the period (the
    scheduled snapshot). Idempotent: a period already frozen is left as it is. Run it
    nightly, after `warnings evaluate`."""
    settings = load_settings()
    today = date.fromisoformat(as_of) if as_of else clock.today()
    try:
        periods = [parse(period)] if period else ended_yesterday(today)
    except ValueError as exc:
        err.print(f"[red]错误 / Error:[/red] {exc}")
        raise typer.Exit(1) from None
    if not periods:
        out.print(f"没有昨天结束的周期 / no period ended yesterday ({today})")
        return
    database = Database(settings, as_owner=True)
    taken = already = 0
    try:
        with database.transaction() as session:
            tenants = [
                o.id
                for o in tenancy_repository.all_organizations(session)
                if o.kind in (OrgKind.SENDING, OrgKind.LIAISON)
            ]
        for tenant_id in tenants:
            for each in periods:
                with database.transaction() as session:
                    access = snapshot_system_access(session, tenant_id)
                    apply_access(session, access)
                    made = snapshots.take(session, access, each, SnapshotReason.SCHEDULED, today)
                if made is None:
                    already += 1
                else:
                    taken += 1
    except AppError as exc:
        report(exc)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    codes = ", ".join(p.code for p in periods)
    out.print(
        f"统计快照 / snapshots of {codes}: {len(tenants)} counties and offices, "
        f"{taken} taken, {already} already taken (as of {today})",
        soft_wrap=True,  # one line for cron mail and scripts
    )


@stats_app.command("tidy")
@scheduled("stats tidy")
def tidy() -> None:
    """Empty the change log of the remembered figures and drop them all, so each is
    computed afresh when first asked today (docs/oversight.md). Run it nightly after
    midnight, bureau time."""
    settings = load_settings()
    database = Database(settings, as_owner=True)
    try:
        with database.transaction() as session:
            figures.tidy(session)
    finally:
        database.dispose()
    out.print(
        "统计缓存已清空 / remembered figures and their change log emptied",
        soft_wrap=True,
    )
