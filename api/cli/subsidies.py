"""`laborbridge subsidies evaluate`: the nightly recomputation of entitlements."""

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import TaskID

from api import clock
from api.cli.common import err, load_settings, operator_session, out, progress_bar
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
        int | None,
        typer.Option(
            help="Processes on PostgreSQL; default one per core (none under 5,000 placed laborers)"
        ),
    ] = None,
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            help="Only this organization (name or id); repeat for several. One shard of a"
            " Kubernetes Indexed Job (docs/scaling.md)",
        ),
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="INDEX/COUNT",
            help="Only shard INDEX (0 to COUNT-1) of COUNT: each bureau falls in one shard by"
            " its id. A pod of an Indexed Job passes $(JOB_COMPLETION_INDEX)/COUNT",
        ),
    ] = None,
) -> None:
    """Recompute every entitlement from the records. Idempotent; safe while people work
    (short transactions); run it nightly."""
    day = date.fromisoformat(as_of) if as_of else clock.today()
    part = _shard(shard) if shard is not None else None
    settings = load_settings()
    only = None
    if org:
        with operator_session() as (session, _settings):
            only = frozenset(tenancy.resolve_organization(session, ref).id for ref in org)
    tasks: dict[str, TaskID] = {}
    with progress_bar() as bar:

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        result = evaluate_all(
            settings, as_of=day, workers=workers, progress=progress, only=only, shard=part
        )
    if part is not None:
        out.print(f"分片 / shard {part[0]}/{part[1]}", highlight=False)
    out.print(
        f"补贴测算完成 / entitlements evaluated: {result.bureaus} bureaus, "
        f"{result.laborers} laborers, {result.written} rows changed (as of {day})"
    )


def _shard(value: str) -> tuple[int, int]:
    index, _sep, count = value.partition("/")
    if index.isdigit() and count.isdigit() and 0 <= int(index) < int(count) <= 1000:
        return int(index), int(count)
    err.print(
        f"[red]错误 / Error:[/red] --shard 应为 序号/分片数，序号从 0 起且小于分片数"
        f" / --shard must be INDEX/COUNT with 0 <= INDEX < COUNT: {escape(value)}",
        soft_wrap=True,
        highlight=False,
    )
    raise typer.Exit(1)
