"""The caller cache (api/auth/caller_cache.py) never outlives what it cached: a revoked
token, a disabled account, a removed membership or a changed role takes effect on the
very next request served from it, checked against the database, not a stub."""

from sqlalchemy import update

from api.security import tokens
from shared_models import ApiToken, Membership, User
from shared_models.base import utcnow
from shared_models.enums import Role
from tests.fixtures.world import ApiUser

ROSTER = "/api/v1/laborers?page_size=1"


def _cached(client, user: ApiUser) -> None:  # type: ignore[no-untyped-def]
    callers = client.app.state.auth.callers
    callers.clear()
    assert user.get(ROSTER).status_code == 200  # resolved from scratch, then kept
    assert len(callers) == 1
    assert user.get(ROSTER).status_code == 200  # served from the cache


def test_a_revoked_token_or_a_disabled_account_stops_at_once(client, world):
    revoked = ApiUser(client, "wushan.staff")
    _cached(client, revoked)
    assert revoked.post("/api/v1/auth/revoke").status_code == 204
    assert revoked.get(ROSTER).status_code == 401

    # Revoked behind the app's back (another worker, an operator): the same.
    other = ApiUser(client, "wushan.staff")
    _cached(client, other)
    with world.owner_database().transaction() as session:
        session.execute(update(ApiToken).values(revoked_at=utcnow()))
    assert other.get(ROSTER).status_code == 401

    disabled = ApiUser(client, "kaizhou.staff")
    _cached(client, disabled)
    with world.owner_database().transaction() as session:
        session.execute(
            update(User).where(User.username == "kaizhou.staff").values(is_active=False)
        )
    assert disabled.get(ROSTER).status_code == 401
    assert len(client.app.state.auth.callers) == 0


def test_a_removed_membership_or_a_changed_role_stops_at_once(client, world):
    user = ApiUser(client, "wushan.staff")
    _cached(client, user)
    with world.superuser_session() as session:  # memberships are behind row security
        changed = session.execute(
            update(Membership)
            .where(Membership.tenant_id == world.orgs["wushan"])
            .where(Membership.user_id == world.users["wushan.staff"])
            .values(role=Role.VIEWER)
        )
        assert changed.rowcount == 1
        session.commit()
    assert user.get(ROSTER).status_code == 200
    access = client.app.state.auth.callers.get(tokens.digest(user.token), None, None)
    assert access.role is Role.VIEWER  # resolved again, not the cached staff role

    with world.superuser_session() as session:
        removed = session.execute(
            update(Membership)
            .where(Membership.user_id == world.users["wushan.staff"])
            .values(is_active=False)
        )
        assert removed.rowcount >= 1
        session.commit()
    response = user.get(ROSTER)
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/no-tenant"
