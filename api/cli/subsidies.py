"""`laborbridge subsidies evaluate`: the nightly recomputation of entitlements."""

from datetime import date
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api import clock
from api.cli.common import load_settings, operator_session, out
from api.cli.scheduled import scheduled
from api.subsidies.evaluation import evaluate_all
from api.tenancy import service as tenancy

subsidies_app = typer.Typer(help="Subsidy entitlements.", no_args_is_help=True)


@subsidies_app.command("evaluate")
@scheduled("subsidies evaluate")
def evaluate(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date (YYYY-MM-DD); default today")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Processes on PostgreSQL; default one per core")
    ] = None,
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            help="Only this organization (name or id); repeat for several. One shard of a"
            " Kubernetes Indexed Job (docs/scaling.md)",
        ),
    ] = None,
) -> None:
    """Recompute every entitlement from the records. Idempotent; safe while people work
    (short transactions); run it nightly."""
    day = date.fromisoformat(as_of) if as_of else clock.today()
    settings = load_settings()
    only = None
    if org:
        with operator_session() as (session, _settings):
            only = frozenset(tenancy.resolve_organization(session, ref).id for ref in org)
    tasks: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as bar:

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        result = evaluate_all(settings, as_of=day, workers=workers, progress=progress, only=only)
    out.print(
        f"补贴测算完成 / entitlements evaluated: {result.bureaus} bureaus, "
        f"{result.laborers} laborers, {result.written} rows changed (as of {day})"
    )
