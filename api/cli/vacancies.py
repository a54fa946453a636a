"""`laborbridge vacancies expire`: the nightly job storing expiry on the demand pool."""

from datetime import date
from typing import Annotated

import typer

from api import clock
from api.access import DataKind
from api.cli.common import operator_session, out
from api.cli.scheduled import scheduled
from api.db import use_operator_access
from api.demand import service as demand
from api.tenancy import repository as tenancy_repository

vacancies_app = typer.Typer(help="The shared demand pool.", no_args_is_help=True)


@vacancies_app.command("expire")
@scheduled("vacancies expire")
def expire(
    on: Annotated[
        str | None, typer.Option(help="As of this date (YYYY-MM-DD); default today")
    ] = None,
) -> None:
    """Mark every vacancy past its end date expired (pages already read it so; this
    stores it). Safe to run any number of times; run it daily."""
    today = date.fromisoformat(on) if on else clock.today()
    total = 0
    with operator_session() as (session, _settings):
        for org in tenancy_repository.all_organizations(session):
            access = use_operator_access(
                session, org.id, read=[DataKind.DEMAND, DataKind.AUDIT], write=[DataKind.DEMAND]
            )
            count = demand.expire(session, access, today)
            if count:
                out.print(f"{org.name}: {count}", highlight=False)
            total += count
    out.print(f"已过期岗位 / vacancies expired: {total}")
