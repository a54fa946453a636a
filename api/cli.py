"""The `laborbridge` command: serve, migrate, provision tenants and users, demo, audit.

Operator commands connect as the schema owner (LB_OWNER_DATABASE_URL, else
LB_DATABASE_URL) and act on exactly the tenant they name. Errors are printed in
Chinese and English and exit with status 1.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from api import migrate
from api.access import DataKind
from api.audit import service as audit
from api.auth import accounts
from api.auth.service import AuthService
from api.db import Database, use_operator_access
from api.demo import loader as demo_loader
from api.errors import AppError
from api.i18n import translate_in
from api.security.passwords import Passwords
from api.settings import Settings
from api.tenancy import repository as tenancy_repository
from api.tenancy import service as tenancy

app = typer.Typer(
    help="LaborBridge 劳务协作平台",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (runs as the schema owner).", no_args_is_help=True)
org_app = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)
pairing_app = typer.Typer(
    help="Pairings between a sending and a receiving bureau.", no_args_is_help=True
)
user_app = typer.Typer(help="User accounts and memberships.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(pairing_app, name="pairing")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")

out = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        err.print(f"[red]配置错误 / Settings error:[/red] {exc}")
        raise typer.Exit(1) from None


def _report(error: AppError) -> None:
    """Both languages: operators read either."""
    for locale, label in (("zh_CN", "错误"), ("en", "Error")):
        title = translate_in(locale, error.title)
        detail = translate_in(locale, error.detail, **error.params) if error.detail else ""
        err.print(f"[red]{label}:[/red] {title}" + (f" — {detail}" if detail else ""))
        for e in error.errors:
            err.print(f"  {e.field}: {translate_in(locale, e.message, **e.params)}")


@contextmanager
def _operator_session() -> Iterator[tuple[Session, Settings]]:
    settings = _settings()
    database = Database(settings, as_owner=True)
    try:
        with database.transaction() as session:
            yield session, settings
    except AppError as exc:
        _report(exc)
        raise typer.Exit(1) from None
    finally:
        database.dispose()


def _read_password(confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            err.print("[red]错误 / Error:[/red] 标准输入没有密码 / no password on standard input")
            raise typer.Exit(1)
        return line
    return typer.prompt("密码 / Password", hide_input=True, confirmation_prompt=confirm)


# --- serve and schema ------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web pages and the JSON API."""
    settings = _settings()
    out.print(f"劳务协作平台 LaborBridge ({settings.env}): http://{host}:{port}", highlight=False)
    uvicorn.run(
        "api.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_config=None
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations (as the owner); creates the app role's grants and RLS policies."""
    settings = _settings()
    migrate.upgrade(
        settings.migration_database_url, app_role=settings.db_app_role, revision=revision
    )
    out.print(f"数据库已升级 / database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    settings = _settings()
    migrate.downgrade(
        settings.migration_database_url, app_role=settings.db_app_role, revision=revision
    )
    out.print(f"数据库已降级 / database downgraded to {revision}")


# --- organizations and pairings ------------------------------------------------------------


@org_app.command("create")
def org_create(
    kind: Annotated[str, typer.Option(help="sending | receiving | liaison")],
    name: Annotated[str, typer.Option(help="Full name, e.g. 巫山县人社局")],
    region: Annotated[str, typer.Option(help="6-digit GB/T 2260 region code")],
    parent: Annotated[str | None, typer.Option(help="Liaison office: its sending bureau")] = None,
    pairing: Annotated[
        str | None, typer.Option(help="Liaison office: pairing id or SENDING/RECEIVING")
    ] = None,
) -> None:
    """Create a tenant; prints its id."""
    with _operator_session() as (session, _):
        org = tenancy.create_organization(
            session,
            kind=kind,
            name=name,
            region_code=region,
            parent_ref=parent,
            pairing_ref=pairing,
        )
        out.print(str(org.id))


@org_app.command("list")
def org_list() -> None:
    """All tenants (directory data only)."""
    with _operator_session() as (session, _):
        table = Table("id", "kind", "name", "region", "parent", "pairing")
        for org in tenancy_repository.all_organizations(session):
            table.add_row(
                str(org.id),
                org.kind.value,
                org.name,
                org.region_code,
                str(org.parent_id or ""),
                str(org.pairing_id or ""),
            )
        out.print(table)


@pairing_app.command("create")
def pairing_create(
    sending: Annotated[str, typer.Option(help="Sending bureau (name or id)")],
    receiving: Annotated[str, typer.Option(help="Receiving bureau (name or id)")],
    year: Annotated[int, typer.Option(help="Agreement year")],
) -> None:
    """Pair a sending and a receiving bureau; prints the pairing id."""
    with _operator_session() as (session, _):
        pairing = tenancy.create_pairing(
            session, sending_ref=sending, receiving_ref=receiving, year=year
        )
        out.print(str(pairing.id))


@pairing_app.command("target")
def pairing_target(
    pairing: Annotated[str, typer.Option(help="Pairing id or SENDING/RECEIVING")],
    year: Annotated[int, typer.Option(help="Target year")],
    metric: Annotated[str, typer.Option(help="e.g. laborers_transferred, people_trained")],
    value: Annotated[int, typer.Option(help="The target number")],
) -> None:
    """Set one annual target of a pairing."""
    with _operator_session() as (session, _):
        found = tenancy.resolve_pairing(session, pairing)
        target = tenancy.set_target(session, found, year=year, metric=metric, value=value)
        out.print(str(target.id))


# --- users -------------------------------------------------------------------------------


@user_app.command("create")
def user_create(
    org: Annotated[str, typer.Option(help="Organization (name or id)")],
    username: Annotated[str, typer.Option(help="Sign-in name")],
    role: Annotated[str, typer.Option(help="admin | staff | viewer")],
    display_name: Annotated[str | None, typer.Option(help="Name shown in pages")] = None,
    email: Annotated[str | None, typer.Option(help="For OpenID Connect matching")] = None,
    pii_reveal: Annotated[
        bool, typer.Option("--pii-reveal", help="May reveal personal data")
    ] = False,
) -> None:
    """Create an account in a tenant (password from stdin or a prompt); prints the user id."""
    password = _read_password()
    with _operator_session() as (session, settings):
        user, _membership = accounts.create_user(
            session,
            Passwords(settings),
            org_ref=org,
            username=username,
            role=role,
            password=password,
            display_name=display_name,
            email=email,
            can_reveal_pii=pii_reveal,
        )
        out.print(str(user.id))


@user_app.command("add-membership")
def user_add_membership(
    username: Annotated[str, typer.Option(help="Existing user")],
    org: Annotated[str, typer.Option(help="Organization (name or id)")],
    role: Annotated[str, typer.Option(help="admin | staff | viewer")],
    pii_reveal: Annotated[bool, typer.Option("--pii-reveal")] = False,
) -> None:
    """Let an existing user work in one more tenant; prints the membership id."""
    with _operator_session() as (session, _):
        membership = accounts.add_membership(
            session, username=username, org_ref=org, role=role, can_reveal_pii=pii_reveal
        )
        out.print(str(membership.id))


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Option(help="The account to disable")]) -> None:
    """Disable an account; its web sessions and API tokens end at once."""
    with _operator_session() as (session, settings):
        user, ended, revoked = accounts.disable_user(
            session, AuthService(settings, Passwords(settings)), username
        )
        out.print(f"{user.id} disabled: {ended} sessions ended, {revoked} tokens revoked")


# --- demo and audit ------------------------------------------------------------------------


@app.command()
def demo() -> None:
    """Load the demo tenants and accounts (once) and print the demo sign-ins."""
    with _operator_session() as (session, settings):
        if settings.is_production:
            err.print(
                "[red]错误 / Error:[/red] 生产环境不加载演示数据 / no demo data in production"
            )
            raise typer.Exit(1)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("演示数据 / demo data", total=None)

            def step(message: str) -> None:
                progress.update(task, description=message)

            loaded = demo_loader.load(session, Passwords(settings), step)
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
def audit_verify(
    org: Annotated[str | None, typer.Option(help="Only this organization")] = None,
) -> None:
    """Recompute every tenant's hash chain; report the first tampered entry. Exit 1 if any."""
    failed = False
    with _operator_session() as (session, _):
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


def main() -> None:
    app()
