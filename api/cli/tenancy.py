"""`laborbridge org ...` and `laborbridge pairing ...`."""

from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import operator_session, out
from api.tenancy import repository as tenancy_repository
from api.tenancy import service as tenancy

org_app = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)
pairing_app = typer.Typer(
    help="Pairings between a sending and a receiving bureau.", no_args_is_help=True
)


@org_app.command("create")
def org_create(
    kind: Annotated[str, typer.Option(help="sending | receiving | liaison | supervising")],
    name: Annotated[str, typer.Option(help="Full name, e.g. 巫山县人社局")],
    region: Annotated[str, typer.Option(help="6-digit GB/T 2260 region code")],
    parent: Annotated[str | None, typer.Option(help="Liaison office: its sending bureau")] = None,
    pairing: Annotated[
        str | None, typer.Option(help="Liaison office: pairing id or SENDING/RECEIVING")
    ] = None,
) -> None:
    """Create a tenant; prints its id."""
    with operator_session() as (session, _):
        org = tenancy.create_organization(
            session,
            kind=kind,
            name=name,
            region_code=region,
            parent_ref=parent,
            pairing_ref=pairing,
        )
        out.print(str(org.id))


@org_app.command("supervise")
def org_supervise(
    supervisor: Annotated[str, typer.Option(help="Supervising organization (name or id)")],
    bureau: Annotated[str, typer.Option(help="Sending or receiving bureau (name or id)")],
) -> None:
    """Put a bureau under a supervising organization (its reports go there)."""
    with operator_session() as (session, _):
        tenancy.supervise(session, supervisor_ref=supervisor, bureau_ref=bureau)
        out.print(f"{bureau} -> {supervisor}")


@org_app.command("list")
def org_list() -> None:
    """All tenants (directory data only)."""
    with operator_session() as (session, _):
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
    with operator_session() as (session, _):
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
    with operator_session() as (session, _):
        found = tenancy.resolve_pairing(session, pairing)
        target = tenancy.set_target(session, found, year=year, metric=metric, value=value)
        out.print(str(target.id))
