"""`laborbridge laborers import|export|reconcile`: county ledgers from and to .xlsx files,
and the derived state of the register recomputed from its events."""

import functools
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from api.access import DataKind
from api.cli.common import err, load_settings, operator_session, out, progress_bar, report
from api.db import Database, use_operator_access
from api.errors import AppError
from api.i18n import translate_in
from api.security.pii import PiiCipher
from api.supply import derived, exporter, imports
from api.supply.rosters import Roster, RosterFilter
from api.tenancy import repository as tenancy_repository
from api.tenancy import service as tenancy
from shared_models.enums import OrgKind

laborers_app = typer.Typer(help="The laborer registry's Excel ledgers.", no_args_is_help=True)

STAGES = {
    "check": "检查 / checking",
    "compare": "比对 / comparing",
    "write": "写入 / writing",
    "audit": "审计 / audit log",
    "export": "导出 / exporting",
}
KINDS = [DataKind.LABORER, DataKind.IDENTITY, DataKind.IMPORT]


def _progress() -> Progress:
    return progress_bar(err, transient=True)


def _advance(bar: Progress, task: TaskID, done: int, of: int) -> None:
    bar.update(task, completed=done, total=of)


@laborers_app.command("import")
def import_ledger(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    org: Annotated[str, typer.Option(help="The sending bureau (name or id)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; save nothing")] = False,
) -> None:
    """Import a ledger (.xlsx or .csv): every row or none."""
    data = file.read_bytes()
    with operator_session() as (session, settings), _progress() as bar:
        task = bar.add_task("读取 / reading", total=None)

        def step(stage: str, done: int, total: int) -> None:
            bar.update(
                task, description=STAGES.get(stage, stage), completed=done, total=total or None
            )

        organization = tenancy.resolve_organization(session, org)
        access = use_operator_access(session, organization.id, read=KINDS, write=KINDS)
        batch, plan = imports.run(
            session,
            access,
            PiiCipher(settings),
            None,
            data,
            file.name,
            dry_run=dry_run,
            progress=step,
        )
        if not plan.ok:
            bar.stop()
            for error in plan.errors[:200]:
                where = (
                    f"第 {error.row} 行 / row {error.row}, {error.column}" if error.row else "file"
                )
                err.print(
                    f"  {where}: {translate_in('zh_CN', error.message, **error.params)}"
                    f" / {translate_in('en', error.message, **error.params)}",
                    highlight=False,
                )
            if len(plan.errors) > 200:
                err.print(f"  … {len(plan.errors) - 200} more")
            err.print(f"[red]{len(plan.errors)} 处错误，未保存 / errors, nothing saved[/red]")
            raise typer.Exit(1)
    verb = "检查通过 / checked" if dry_run else "已导入 / imported"
    out.print(
        f"{verb}: {plan.rows} rows — 新增 new {len(plan.new)}, 更新 updated {len(plan.updated)}, "
        f"未变 unchanged {plan.unchanged} (batch {batch.id})",
        highlight=False,
    )


@laborers_app.command("export")
def export_ledger(
    org: Annotated[str, typer.Option(help="The sending bureau (name or id)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .xlsx file to write")],
    roster: Annotated[Roster, typer.Option(help="Which roster")] = Roster.ALL,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Full ID and phone numbers (audited)")
    ] = False,
) -> None:
    """Export a roster as a ledger that re-imports unchanged."""
    with operator_session() as (session, settings), _progress() as bar:
        task = bar.add_task(STAGES["export"], total=None)
        organization = tenancy.resolve_organization(session, org)
        access = use_operator_access(
            session, organization.id, read=KINDS, write=[DataKind.IMPORT], reveal_pii=reveal
        )
        try:
            with output.open("wb") as target:
                rows = exporter.export_roster(
                    session,
                    access,
                    PiiCipher(settings),
                    RosterFilter(roster=roster),
                    target,
                    reveal=reveal,
                    progress=lambda _s, done, total: bar.update(task, completed=done, total=total),
                )
        except AppError as exc:
            output.unlink(missing_ok=True)
            report(exc)
            raise typer.Exit(1) from None
    out.print(f"{rows} 行已导出 / rows exported → {output}", highlight=False)


@laborers_app.command("reconcile")
def reconcile(
    org: Annotated[
        str | None, typer.Option(help="One sending bureau (name or id); default every county")
    ] = None,
    chunk_size: Annotated[int, typer.Option(min=1, max=50_000, help="Laborers per step")] = 2000,
) -> None:
    """Recompute each laborer's status, current job, transfer scope, skills and training
    needs from placements, surveys and certified trainings. Idempotent: a second run
    changes nothing. One transaction per county."""
    database = Database(load_settings(), as_owner=True)
    total = derived.Changes()
    try:
        with database.transaction() as session:
            if org:
                counties = [tenancy.resolve_organization(session, org)]
                if counties[0].kind is not OrgKind.SENDING:
                    err.print(
                        "[red]只有派出县有劳动力台账 / only a sending county has a register[/red]"
                    )
                    raise typer.Exit(1)
            else:
                counties = tenancy_repository.all_organizations(session)
            counties = [(o.id, o.name) for o in counties if o.kind is OrgKind.SENDING]
        with _progress() as bar:
            for county_id, name in counties:
                task = bar.add_task(name, total=None)
                with database.transaction() as session:
                    changes = derived.reconcile(
                        session,
                        county_id,
                        chunk_size=chunk_size,
                        progress=functools.partial(_advance, bar, task),
                    )
                total.add(changes)
                out.print(
                    f"{name}: {changes.laborers} 人更新 / laborers changed, "
                    f"{changes.tags_added} 标签新增 / tags added, "
                    f"{changes.tags_removed} 标签移除 / tags removed",
                    highlight=False,
                )
    finally:
        database.dispose()
    out.print(
        f"核对完成 / reconciled: {len(counties)} counties, {total.laborers} laborers changed, "
        f"{total.tags_added} tags added, {total.tags_removed} tags removed",
        highlight=False,
    )
