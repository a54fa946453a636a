"""`laborbridge demo`, `laborbridge audit verify` and `laborbridge audit anchor`."""

from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.progress import Progress
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.audit import anchors
from api.audit import service as audit
from api.blobs import Blobs
from api.cli.common import err, operator_session, out
from api.cli.scheduled import scheduled
from api.db import use_operator_access
from api.demo import loader as demo_loader
from api.security.passwords import Passwords
from api.security.pii import PiiCipher
from api.tenancy import repository as tenancy_repository
from api.tenancy import service as tenancy
from shared_models import Organization

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
    """Recompute every tenant's hash chain; report the first tampered entry, and check the
    chain against the tenant's latest signed anchor. Exit 1 if any problem."""
    failed = False
    with operator_session() as (session, settings):
        orgs = (
            [tenancy.resolve_organization(session, org)]
            if org
            else tenancy_repository.all_organizations(session)
        )
        key = anchors.verifying_key(settings)
        if key is None:
            out.print(
                "未设置 LB_AUDIT_ANCHOR_KEY，未核对锚点"
                " / LB_AUDIT_ANCHOR_KEY is not set: anchors not checked",
                soft_wrap=True,
            )
        store = anchors.store(settings)
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
            if key is not None and not _anchor_holds(session, access, store, key, organization):
                failed = True
    if failed:
        raise typer.Exit(1)


def _anchor_holds(
    session: Session,
    access: AccessContext,
    store: Blobs,
    key: Ed25519PublicKey,
    organization: Organization,
) -> bool:
    """One line on the tenant's latest anchor; False when the chain or anchor fails it."""
    name = organization.name
    result = anchors.check(session, access, store, key, organization.id)
    if result.status == "none":
        out.print(f"  {name}: 尚无锚点 / no anchor yet", soft_wrap=True)
    elif result.status == "forged":
        out.print(
            f"[red]ANCHOR FORGED[/red]  {name}: 锚点签名无效 {result.name}"
            f" / anchor signature does not verify: {result.name}",
            soft_wrap=True,
        )
    elif result.status == "matches":
        seq, at = result.anchored_seq, result.anchored_at
        out.print(
            f"  {name}: 与锚点相符 (seq {seq}, {at}) / matches its anchor (seq {seq}, {at})",
            soft_wrap=True,
        )
    elif result.status == "truncated":
        seq, at = result.anchored_seq, result.anchored_at
        out.print(
            f"[red]TRUNCATED[/red]  {name}: 日志比锚点短，锚定 seq {seq}（{at}），"
            f"日志只到 seq {result.chain_end}"
            f" / chain is shorter than its anchor: anchored seq {seq} ({at}),"
            f" chain ends at seq {result.chain_end}",
            soft_wrap=True,
        )
    else:
        seq, at = result.anchored_seq, result.anchored_at
        out.print(
            f"[red]TAMPERED[/red]  {name}: seq {seq} 的条目与锚点（{at}）不符"
            f" / entry seq {seq} differs from its anchor ({at})",
            soft_wrap=True,
        )
    return not result.failed


@audit_app.command("anchor")
def audit_anchor(
    org: Annotated[str | None, typer.Option(help="Only this organization")] = None,
) -> None:
    """Sign each tenant's verified chain head and write it outside the database (nightly).
    A chain that does not verify is not anchored; exit 1 if any."""
    failed = False
    with operator_session() as (session, settings):
        key = anchors.signing_key(settings)
        if key is None:
            err.print(
                "[red]错误 / Error:[/red] 未设置 LB_AUDIT_ANCHOR_KEY（见 docs/security.md）"
                " / LB_AUDIT_ANCHOR_KEY is not set (see docs/security.md)",
                soft_wrap=True,
            )
            raise typer.Exit(1)
        store = anchors.store(settings)
        orgs = (
            [tenancy.resolve_organization(session, org)]
            if org
            else tenancy_repository.all_organizations(session)
        )
        out.print(f"公钥 / public key: {anchors.public_key_text(key)}", soft_wrap=True)
        for organization in orgs:
            access = use_operator_access(session, organization.id, read=[DataKind.AUDIT])
            report = audit.verify_chain(session, access, organization.id)
            if not report.ok:
                failed = True
                out.print(
                    f"[red]TAMPERED[/red]  {organization.name}: 日志校验失败，未锚定"
                    f" / chain does not verify, not anchored (seq {report.bad_seq})",
                    soft_wrap=True,
                )
                continue
            head = anchors.chain_head(session, access, organization.id)
            written = anchors.write(store, key, head)
            out.print(
                f"  {organization.name}: 已锚定 seq {head.seq} / anchored seq {head.seq}"
                f" ({written})",
                soft_wrap=True,
                highlight=False,
            )
    if failed:
        raise typer.Exit(1)
