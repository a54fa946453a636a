"""Frozen period figures (issue 13): a snapshot keeps the figures as they were, a later
correction to the records shows as a revision against it, the nightly command takes one
per tenant and period, and a tenant reads only its own."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from api.access import build_access_context, snapshot_system_access
from api.cli.stats import ended_yesterday
from api.db import apply_access
from api.errors import ValidationFailed
from api.oversight import snapshots
from api.oversight.indicators import BUILT_IN
from api.oversight.periods import parse
from shared_models import Organization, StatSnapshot, StatSnapshotValue
from shared_models.enums import OrgKind, Role, SnapshotReason
from tests.api.test_oversight_statistics import _ok, _place, _register

MARCH = "2025-03"
AFTER_MARCH = date(2025, 4, 2)


def _take(world, key, code=MARCH, reason=SnapshotReason.SCHEDULED, today=AFTER_MARCH):  # type: ignore[no-untyped-def]
    """Take a snapshot as the nightly run does, through the app role (RLS applies)."""
    with world.app_database().transaction() as session:
        access = snapshot_system_access(session, world.orgs[key])
        apply_access(session, access)
        taken = snapshots.take(session, access, parse(code), reason, today)
        return None if taken is None else {v.indicator: v.numerator for v in taken.values}


def _snapshots(user, code=MARCH):  # type: ignore[no-untyped-def]
    return _ok(user.get("/api/v1/statistics/snapshots", params={"period": code}))


def _stored(world) -> dict[tuple[uuid.UUID, str], int]:  # type: ignore[no-untyped-def]
    """Snapshots per (tenant, period) as stored, under no tenant's view."""
    with world.superuser_session() as session:
        rows = session.execute(
            select(StatSnapshot.tenant_id, StatSnapshot.period_code, func.count()).group_by(
                StatSnapshot.tenant_id, StatSnapshot.period_code
            )
        ).all()
    return {(tenant, code): n for tenant, code, n in rows}


def test_a_correction_shows_as_a_revision_and_the_snapshot_stays(world, login):
    wushan = login("wushan.staff")
    first = _register(login, "2025-02-01")
    late = _register(login, "2025-02-01")
    _place(wushan, first, "2025-03-05")

    frozen = _take(world, "wushan")
    assert frozen is not None and set(frozen) == {i.code for i in BUILT_IN}
    [shown] = _snapshots(wushan)
    assert (shown["period"], shown["kind"], shown["reason"]) == (MARCH, "month", "scheduled")
    assert (shown["from"], shown["to"], shown["as_of"]) == (
        "2025-03-01",
        "2025-03-31",
        "2025-03-31",
    )
    values = {v["indicator"]: v for v in shown["values"]}
    assert values["transfers"]["numerator"] == frozen["transfers"]
    assert shown["revisions"] == []  # nothing changed since

    # A placement in March recorded only now: back-dated into the frozen month.
    _place(wushan, late, "2025-03-12")

    [again] = _snapshots(wushan)
    assert again["id"] == shown["id"]
    assert again["values"] == shown["values"]  # frozen: never a silent change
    revised = {r["indicator"]: r for r in again["revisions"]}
    for code in ("transfers", "transfers_organized", "employed", "employed_out_of_city"):
        assert revised[code]["frozen"]["value"] == frozen[code], code
        assert revised[code]["now"]["value"] == frozen[code] + 1, code
        assert revised[code]["difference"] == 1, code
    assert "registered" not in revised  # both were on the register already
    live = _ok(
        wushan.get(
            "/api/v1/statistics",
            params={"indicator": "transfers", "from": "2025-03-01", "to": "2025-03-31"},
        )
    )
    assert live["value"] == revised["transfers"]["now"]["value"]

    # Stored as taken.
    with world.superuser_session() as session:
        stored = session.scalar(
            select(StatSnapshotValue.numerator).where(
                StatSnapshotValue.snapshot_id == uuid.UUID(shown["id"]),
                StatSnapshotValue.indicator == "transfers",
            )
        )
    assert stored == frozen["transfers"]


def test_taking_a_snapshot_is_audited(world, login):
    _take(world, "wushan")
    admin = login("wushan.admin")
    body = _ok(admin.get("/api/v1/audit", params={"entity_type": "stat_snapshot"}))
    [entry] = body["items"]
    assert (entry["action"], entry["actor_label"]) == ("statistics.snapshot", "system")
    assert entry["after"]["period"] == MARCH
    assert entry["after"]["reason"] == "scheduled"


def test_a_period_not_ended_is_refused_unless_manual(world, login):
    today = date(2025, 3, 31)  # March's last day: not over yet
    with pytest.raises(ValidationFailed) as refused:
        _take(world, "wushan", today=today)
    assert refused.value.errors[0].code == "period_not_ended"
    with pytest.raises(ValidationFailed):  # not begun: nothing to count, even by hand
        _take(world, "wushan", code="2025-04", reason=SnapshotReason.MANUAL, today=today)

    manual = _take(world, "wushan", reason=SnapshotReason.MANUAL, today=today)
    assert manual is not None
    [shown] = _snapshots(login("wushan.staff"))
    assert (shown["reason"], shown["as_of"], shown["to"]) == ("manual", "2025-03-31", "2025-03-31")
    # A report's snapshot may be of a period under way too (a week's report is due
    # inside the week): counted up to today.
    submitted = _take(world, "wushan", reason=SnapshotReason.SUBMITTED, today=today)
    assert submitted is not None
    with pytest.raises(ValidationFailed):
        _take(world, "wushan", code="2025-04", reason=SnapshotReason.SUBMITTED, today=today)


def test_the_cli_takes_each_tenants_snapshot_once(cli, world, login):
    with world.superuser_session() as session:
        tenants = set(
            session.scalars(
                select(Organization.id).where(
                    Organization.kind.in_([OrgKind.SENDING, OrgKind.LIAISON])
                )
            )
        )
    assert {world.orgs["wushan"], world.orgs["wushan_office"]} <= tenants

    result = cli("stats", "snapshot", "--period", "2025-03-2", "--as-of", "2025-04-02")
    assert result.exit_code == 0, result.output
    assert f"{len(tenants)} taken, 0 already taken" in result.output
    assert _stored(world) == {(t, "2025-03-2"): 1 for t in tenants}

    again = cli("stats", "snapshot", "--period", "2025-03-2", "--as-of", "2025-04-03")
    assert again.exit_code == 0, again.output
    assert f"0 taken, {len(tenants)} already taken" in again.output
    assert _stored(world) == {(t, "2025-03-2"): 1 for t in tenants}

    # Each sees its own; the receiving bureau has none.
    for user in ("wushan.staff", "wushan.yantai.staff", "kaizhou.staff"):
        [one] = _snapshots(login(user), "2025-03-2")
        assert (one["from"], one["to"], one["reason"]) == ("2025-03-11", "2025-03-20", "scheduled")
    assert _snapshots(login("yantai.staff"), "2025-03-2") == []


def test_the_cli_by_default_takes_what_ended_yesterday(cli, world):
    result = cli("stats", "snapshot", "--as-of", "2025-04-01")
    assert result.exit_code == 0, result.output
    assert "snapshots of 2025-03-3, 2025-03:" in result.output
    assert {code for _t, code in _stored(world)} == {"2025-03-3", "2025-03"}

    quiet = cli("stats", "snapshot", "--as-of", "2025-04-02")
    assert quiet.exit_code == 0 and "no period ended yesterday" in quiet.output


def test_the_cli_refuses_a_period_not_ended_and_a_bad_code(cli, world):
    result = cli("stats", "snapshot", "--period", "2025-W14", "--as-of", "2025-04-02")
    assert result.exit_code == 1
    assert "has not ended yet" in result.output
    assert _stored(world) == {}
    bad = cli("stats", "snapshot", "--period", "2025-13")
    assert bad.exit_code == 1 and "invalid period code" in bad.output


def test_periods_that_ended_yesterday():
    assert [p.code for p in ended_yesterday(date(2026, 12, 21))] == ["2026-W51", "2026-12-2"]
    assert [p.code for p in ended_yesterday(date(2027, 1, 1))] == ["2026-12-3", "2026-12"]
    assert [p.code for p in ended_yesterday(date(2026, 12, 8))] == []  # a Tuesday


def test_another_tenant_cannot_read_the_snapshot(world, login):
    _take(world, "wushan")
    assert len(_snapshots(login("wushan.staff"))) == 1
    assert _snapshots(login("kaizhou.staff")) == []
    assert _snapshots(login("yantai.staff")) == []
    assert _snapshots(login("wushan.yantai.staff")) == []  # its office keeps its own
    response = login("wushan.staff").get("/api/v1/statistics/snapshots", params={"period": "x"})
    assert response.status_code == 422


@pytest.mark.postgres_only
def test_row_security_holds_snapshots_to_their_tenant(world):
    _take(world, "wushan")
    with world.app_database().transaction() as session:
        access = build_access_context(
            session,
            tenant_id=world.orgs["kaizhou"],
            role=Role.ADMIN,
            can_reveal_pii=False,
            user_id=None,
            actor_label="test",
        )
        apply_access(session, access)
        # No filter of ours: only the policies stand between kaizhou and the rows.
        assert session.execute(text("SELECT count(*) FROM stat_snapshots")).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM stat_snapshot_values")).scalar() == 0
        nested = session.begin_nested()
        with pytest.raises(DBAPIError, match="row-level security"):
            session.execute(
                text(
                    "INSERT INTO stat_snapshots (id, tenant_id, period_code, period_kind,"
                    " period_start, period_end, as_of, taken_at, taken_by_label, reason)"
                    " VALUES (:id, :tenant, '2025-03', 'month', '2025-03-01', '2025-03-31',"
                    " '2025-03-31', now(), 'x', 'manual')"
                ),
                {"id": uuid.uuid4(), "tenant": world.orgs["wushan"]},
            )
        nested.rollback()
    with world.app_database().transaction() as session:
        access = snapshot_system_access(session, world.orgs["wushan"])
        apply_access(session, access)
        # Frozen: the app role may not change a stored figure.
        nested = session.begin_nested()
        with pytest.raises(DBAPIError, match="permission denied"):
            session.execute(text("UPDATE stat_snapshot_values SET numerator = numerator + 1"))
        nested.rollback()
