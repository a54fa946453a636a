"""`laborbridge user ...`."""

from typing import Annotated

import typer

from api.auth import accounts
from api.auth.service import AuthService
from api.cli.common import operator_session, out, read_password
from api.security.passwords import Passwords

user_app = typer.Typer(help="User accounts and memberships.", no_args_is_help=True)


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
    password = read_password()
    with operator_session() as (session, settings):
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
    with operator_session() as (session, _):
        membership = accounts.add_membership(
            session, username=username, org_ref=org, role=role, can_reveal_pii=pii_reveal
        )
        out.print(str(membership.id))


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Option(help="The account to disable")]) -> None:
    """Disable an account; its web sessions and API tokens end at once."""
    with operator_session() as (session, settings):
        user, ended, revoked = accounts.disable_user(
            session, AuthService(settings, Passwords(settings)), username
        )
        out.print(f"{user.id} disabled: {ended} sessions ended, {revoked} tokens revoked")
