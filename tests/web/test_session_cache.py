"""The web-session cache (api/auth/session_cache.py) never outlives what it cached: a
signed-out or ended session, a disabled account, a removed membership, a changed role,
a switched tenant, an idle or expired session takes effect on the very next page
served from it, checked against the database, not a stub."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select, update

from api.security import tokens
from shared_models import Membership, User, WebSession
from shared_models.base import utcnow
from shared_models.enums import Role
from tests.web.helpers import csrf_from, sign_in

ROSTER = "/laborers?page_size=1"


def _cached(client, username: str) -> None:  # type: ignore[no-untyped-def]
    sessions = client.app.state.auth.web_sessions
    sessions.clear()
    sign_in(client, username)
    assert client.get(ROSTER).status_code == 200  # resolved from scratch, then kept
    assert len(sessions) == 1
    assert client.get(ROSTER).status_code == 200  # served from the cache


def _entry(client):  # type: ignore[no-untyped-def]
    secret = client.cookies["lb_session"]
    return client.app.state.auth.web_sessions.get(tokens.digest(secret), None, None)


@contextmanager
def _statements(client) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    engine = client.app.state.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _signed_out(client) -> bool:  # type: ignore[no-untyped-def]
    response = client.get(ROSTER, follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_cached_page_checks_the_session_in_one_statement(client):
    _cached(client, "wushan.staff")
    with _statements(client) as cached:
        assert client.get(ROSTER).status_code == 200
    client.app.state.auth.web_sessions.clear()
    with _statements(client) as fresh:
        assert client.get(ROSTER).status_code == 200
    assert sum("web_sessions" in s for s in cached) == 1
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in cached)
    assert len(cached) < len(fresh)


def test_signing_out_or_an_ended_session_stops_at_once(client, world):
    _cached(client, "wushan.staff")
    cookie = client.cookies["lb_session"]
    home = client.get("/")
    client.post("/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)
    client.cookies.set("lb_session", cookie)  # the old cookie, replayed
    assert _signed_out(client)
    client.cookies.clear()

    # Ended behind this worker's back (another worker, an operator): the same.
    _cached(client, "wushan.staff")
    with world.owner_database().transaction() as session:
        session.execute(update(WebSession).values(ended_at=utcnow(), end_reason="signed_out"))
    assert _signed_out(client)
    assert len(client.app.state.auth.web_sessions) == 0


def test_a_disabled_account_stops_at_once(client, world):
    _cached(client, "kaizhou.staff")
    with world.owner_database().transaction() as session:
        session.execute(
            update(User).where(User.username == "kaizhou.staff").values(is_active=False)
        )
    assert _signed_out(client)
    with world.owner_database().sessions() as session:
        reasons = set(session.scalars(select(WebSession.end_reason)))
    assert "disabled" in reasons


def test_idle_and_expired_sessions_stop_at_once(client, world):
    _cached(client, "wushan.staff")
    with world.owner_database().transaction() as session:
        session.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert _signed_out(client)

    _cached(client, "wushan.staff")
    with world.owner_database().transaction() as session:
        session.execute(
            update(WebSession)
            .where(WebSession.ended_at.is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert _signed_out(client)
    with world.owner_database().sessions() as session:
        reasons = sorted(r or "" for r in session.scalars(select(WebSession.end_reason)))
    assert reasons == ["expired", "idle"]


def test_a_removed_membership_or_a_changed_role_stops_at_once(client, world):
    _cached(client, "wushan.staff")
    with world.superuser_session() as session:  # memberships are behind row security
        changed = session.execute(
            update(Membership)
            .where(Membership.tenant_id == world.orgs["wushan"])
            .where(Membership.user_id == world.users["wushan.staff"])
            .values(role=Role.VIEWER)
        )
        assert changed.rowcount == 1
        session.commit()
    assert client.get(ROSTER).status_code == 200
    assert _entry(client).role is Role.VIEWER  # resolved again, not the cached staff role

    with world.superuser_session() as session:
        session.execute(
            update(Membership)
            .where(Membership.user_id == world.users["wushan.staff"])
            .values(is_active=False)
        )
        session.commit()
    response = client.get(ROSTER, follow_redirects=False)
    assert response.status_code == 403  # signed in, but no organization any more
    assert _entry(client) is None


def test_switching_tenant_takes_effect_at_once(client, world):
    _cached(client, "wushan.admin")
    assert _entry(client).tenant_id == world.orgs["wushan"]
    home = client.get("/")
    client.post(
        "/switch-tenant",
        data={"tenant_id": str(world.orgs["wushan_office"]), "csrf_token": csrf_from(home.text)},
        follow_redirects=False,
    )
    assert "<h1>巫山县驻烟台劳务办事处</h1>" in client.get("/").text
    assert _entry(client).tenant_id == world.orgs["wushan_office"]


def test_last_seen_is_touched_at_most_once_a_minute(client, world):
    _cached(client, "wushan.staff")
    a_while_ago = utcnow() - timedelta(minutes=5)
    with world.owner_database().transaction() as session:
        session.execute(update(WebSession).values(last_seen_at=a_while_ago))
    with _statements(client) as touched:
        assert client.get(ROSTER).status_code == 200  # from the cache, and touched
    assert any(s.lstrip().upper().startswith("UPDATE WEB_SESSIONS") for s in touched)
    with world.owner_database().sessions() as session:
        seen = session.scalars(select(WebSession.last_seen_at)).one()
    assert utcnow() - seen < timedelta(minutes=1)
    with _statements(client) as again:
        assert client.get(ROSTER).status_code == 200
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in again)
