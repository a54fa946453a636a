"""`laborbridge warnings evaluate`: raise and close early-warning flags, county by county."""

from datetime import date
from typing import Annotated

import typer

from api import clock
from api.access import county_system_access
from api.cli.common import load_settings, out
from api.cli.scheduled import scheduled
from api.db import Database, apply_access
from api.single_run import single_run
from api.tenancy import repository as tenancy_repository
from api.warnings import rules
from shared_models.enums import OrgKind

warnings_app = typer.Typer(help="Early warning (预警).", no_args_is_help=True)


@warnings_app.command("evaluate")
@scheduled("warnings evaluate")
def evaluate(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date (YYYY-MM-DD); default today")
    ] = None,
) -> None:
    """Judge every county's laborers by its thresholds: raise new flags, close those
    whose cause went away. Idempotent (a second run changes nothing); run it nightly,
    after `subsidies evaluate`. A second run started while one is under way (another
    pod, a manual run) says so and exits with status 0, changing nothing."""
    day = date.fromisoformat(as_of) if as_of else clock.today()
    database = Database(load_settings(), as_owner=True)
    raised = closed = kept = counties = 0
    try:
        with single_run(database.engine, "warnings evaluate") as ours:
            if not ours:
                out.print(
                    "预警测算已在另一处运行，本次不做任何更改 / warnings evaluate is already "
                    "running elsewhere; this run changes nothing",
                    soft_wrap=True,
                )
                return
            with database.transaction() as session:
                ids = [
                    o.id
                    for o in tenancy_repository.all_organizations(session)
                    if o.kind is OrgKind.SENDING
                ]
            for county_id in ids:
                with database.transaction() as session:
                    access = county_system_access(session, county_id)
                    apply_access(session, access)
                    outcome = rules.evaluate(session, access, county_id, day)
                counties += 1
                raised, closed, kept = (
                    raised + outcome.raised,
                    closed + outcome.closed,
                    kept + outcome.kept,
                )
    finally:
        database.dispose()
    out.print(
        f"预警测算完成 / warnings evaluated: {counties} counties, {raised} raised, "
        f"{closed} closed, {kept} still open (as of {day})"
    )
