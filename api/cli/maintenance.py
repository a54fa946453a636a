"""`laborbridge demo` and `laborbridge audit verify`."""

from typing import Annotated

import typer
from rich.progress import Progress

from api.access import DataKind
from api.audit import service as audit
from api.cli.common import err, operator_session, out
from api.cli.scheduled import scheduled
from api.db import use_operator_access
from api.demo import loader as demo_loader
from api.security.passwords import Passwords
from api.security.pii import PiiCipher
from api.tenancy import repository as tenancy_repository
from api.tenancy import service as tenancy

app = typer.Typer()
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


@app.command()
def demo() -> None:
    """Load the demo tenants and accounts (once) and print the demo sign-ins."""
    with operator_session() as (session, settings):
        if settings.is_production:
            err.print(
                "[red]错误 / Error:[/red] 生产环境不加载演示数据 / no demo data in production"
            )
            raise typer.Exit(1)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("演示数据 / demo data", total=None)

            def step(message: str) -> None:
                progress.update(task, description=message)

            loaded = demo_loader.load(session, Passwords(settings), PiiCipher(settings), step)
    out.print(
        "演示数据已加载 / demo data loaded"
        if loaded
        else "演示数据已存在 / demo data already present"
    )
    _print_sign_ins()


def _print_sign_ins() -> None:
    sign_ins = demo_loader.sign_ins()
    out.print(f"演示账号密码 / demo password: {sign_ins[0].password}", soft_wrap=True)
    for s in sign_ins:
        out.print(
            f"  {s.username:<24} {s.role:<6} {s.organization}", soft_wrap=True, highlight=False
        )


@app.command("demo-sign-ins", hidden=True)
def demo_sign_ins() -> None:
    _print_sign_ins()


@audit_app.command("verify")
@scheduled("audit verify")
def audit_verify(
    org: Annotated[str | None, typer.Option(help="Only this organization")] = None,
) -> None:
    """Recompute every tenant's hash chain; report the first tampered entry. Exit 1 if any."""
    failed = False
    with operator_session() as (session, _):
        orgs = (
            [tenancy.resolve_organization(session, org)]
            if org
            else tenancy_repository.all_organizations(session)
        )
        for organization in orgs:
            access = use_operator_access(session, organization.id, read=[DataKind.AUDIT])
            report = audit.verify_chain(session, access, organization.id)
            if report.ok:
                out.print(f"[green]OK[/green]  {organization.name}: {report.entries} entries")
            else:
                failed = True
                out.print(
                    f"[red]TAMPERED[/red]  {organization.name}: first bad entry"
                    f" seq {report.bad_seq}"
                    f" (id {report.bad_entry_id or '-'}): {report.reason}"
                )
    if failed:
        raise typer.Exit(1)
