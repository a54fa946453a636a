"""Early warning (预警): each rule just inside and just outside its threshold, the
evaluation's idempotence, acknowledging, assigning and closing, thresholds, isolation."""

import uuid
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select, update

from api.access import DataKind, county_system_access
from api.db import apply_access
from api.warnings import rules
from shared_models import Entitlement, Laborer, User, WarningFlag
from tests.api.test_casework import dispute
from tests.fixtures.factories import (
    WUSHAN_POLICIES,
    employer_payload,
    laborer_payload,
    placement_payload,
)
from tests.fixtures.jobs import wait_for_queued_jobs

OFFICE = "wushan.yantai.staff"


def _ok(response, expect=(200, 201)):  # type: ignore[no-untyped-def]
    assert response.status_code in expect, response.text
    return response.json()


@contextmanager
def _county(world, *, write=()):  # type: ignore[no-untyped-def]
    """A transaction under the county's view (row-level security on PostgreSQL)."""
    county = world.orgs["wushan"]
    with world.owner_database().transaction() as session:
        access = county_system_access(session, county)
        if write:
            access = replace(
                access, writable={**access.writable, **dict.fromkeys(write, frozenset({county}))}
            )
        apply_access(session, access)
        yield session, access


def _evaluate(world, today, laborer_ids=None):  # type: ignore[no-untyped-def]
    """Judge as of `today`, once the after-commit jobs the changes queued have run (they
    judge as of the day recorded and would otherwise race this judgement)."""
    wait_for_queued_jobs(world)
    with _county(world) as (session, access):
        return rules.evaluate(session, access, access.tenant_id, today, laborer_ids)


def _flags(world, laborer_id, *, open_only=True):  # type: ignore[no-untyped-def]
    with _county(world) as (session, _access):
        query = select(WarningFlag.rule, WarningFlag.status).where(
            WarningFlag.laborer_id == uuid.UUID(str(laborer_id))
        )
        if open_only:
            query = query.where(WarningFlag.status != "closed")
        return sorted((r.value, s.value) for r, s in session.execute(query))


def _rules(world, laborer_id, today):  # type: ignore[no-untyped-def]
    _evaluate(world, today, [uuid.UUID(str(laborer_id))])
    return [rule for rule, _status in _flags(world, laborer_id)]


def _laborer(login, **overrides):  # type: ignore[no-untyped-def]
    body = laborer_payload(employment_status="employed", transfer_willing=False) | overrides
    return _ok(login("wushan.staff").post("/api/v1/laborers", json=body))


def _placement(login, laborer_id, **overrides):  # type: ignore[no-untyped-def]
    body = placement_payload(laborer_id, **overrides)
    return _ok(login("wushan.staff").post("/api/v1/placements", json=body))


def test_unverified_in_post(world, login):
    laborer = _laborer(login)
    placement = _placement(login, laborer["id"], started_on="2026-01-10")
    # Default: more than 60 days since the start (never verified).
    start = date(2026, 1, 10)
    assert _rules(world, laborer["id"], start + timedelta(days=60)) == []
    assert _rules(world, laborer["id"], start + timedelta(days=61)) == ["unverified"]
    # A month in post moves the reference to that month's first day: the flag closes.
    body = {"month": "2026-03", "source": "payroll"}
    _ok(
        login("wushan.staff").post(f"/api/v1/placements/{placement['id']}/verifications", json=body)
    )
    march = date(2026, 3, 1)
    assert _rules(world, laborer["id"], march + timedelta(days=60)) == []
    assert _rules(world, laborer["id"], march + timedelta(days=61)) == ["unverified"]


def test_holiday_leave_past_the_return(world, login):
    laborer = _laborer(login)
    placement = _placement(login, laborer["id"], started_on="2025-12-01")
    body = {"month": "2026-02", "source": "payroll"}
    _ok(
        login("wushan.staff").post(f"/api/v1/placements/{placement['id']}/verifications", json=body)
    )
    leave = {"left_on": "2026-01-20", "expected_return_on": "2026-02-28"}
    _ok(login("wushan.staff").post(f"/api/v1/placements/{placement['id']}/leaves", json=leave))
    assert _rules(world, laborer["id"], date(2026, 2, 28)) == []
    assert _rules(world, laborer["id"], date(2026, 3, 1)) == ["leave_overdue"]


def test_open_dispute_older_than_threshold_and_employer_with_several(world, login):
    laborer = _laborer(login)
    office = login(OFFICE)
    case = _ok(
        office.post("/api/v1/cases", json=dispute([laborer["id"]], occurred_on="2026-03-02"))
    )
    brought = date(2026, 3, 2)
    assert _rules(world, laborer["id"], brought + timedelta(days=30)) == []
    assert _rules(world, laborer["id"], brought + timedelta(days=31)) == ["open_dispute"]
    # Resolving the case closes the flag once its event's job has run (a moment after
    # the commit: the case's close re-judges its laborers).
    _ok(office.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "status": "resolved"}))
    wait_for_queued_jobs(world)
    assert _flags(world, laborer["id"]) == []
    assert set(_flags(world, laborer["id"], open_only=False)) == {("open_dispute", "closed")}


def test_employer_with_several_open_disputes(world, login):
    employer = _ok(
        login("yantai.admin").post(
            "/api/v1/employers",
            json=employer_payload(),
        )
    )
    placed = _laborer(login)
    _placement(login, placed["id"], employer_id=employer["id"], started_on="2026-03-01")
    office = login(OFFICE)
    today = date(2026, 3, 20)
    for n, name in enumerate(("张纠纷", "李纠纷", "赵纠纷")):
        other = _laborer(login, name=name)
        body = dispute([other["id"]], occurred_on="2026-03-10", employer_id=employer["id"])
        _ok(office.post("/api/v1/cases", json=body))
        expected = ["employer_disputes"] if n == 2 else []
        assert _rules(world, placed["id"], today) == expected, n


def test_idle_willing_to_transfer(world, login):
    laborer = _laborer(login, employment_status="unemployed", transfer_willing=True)
    surveyed = date(2026, 1, 1)
    with _county(world, write=[DataKind.LABORER]) as (session, _access):
        session.execute(
            update(Laborer)
            .where(Laborer.id == uuid.UUID(laborer["id"]))
            .values(last_surveyed_on=surveyed)
        )
    assert _rules(world, laborer["id"], surveyed + timedelta(days=90)) == []
    assert _rules(world, laborer["id"], surveyed + timedelta(days=91)) == ["idle_willing"]


def test_left_before_a_subsidy_milestone(world, login):
    admin = login("wushan.admin")
    policy = _ok(admin.post("/api/v1/subsidy-policies", json=WUSHAN_POLICIES["transport"]))
    laborer = _laborer(login)
    _placement(login, laborer["id"], started_on="2026-01-05", ended_on="2026-02-10")
    today = date(2026, 3, 1)
    laborer_id = uuid.UUID(laborer["id"])
    with _county(world, write=[DataKind.SUBSIDY]) as (session, _access):
        session.execute(Entitlement.__table__.delete().where(Entitlement.laborer_id == laborer_id))
        session.add(
            Entitlement(
                family_id=uuid.UUID(policy["family_id"]),
                laborer_id=laborer_id,
                tenant_id=world.orgs["wushan"],
                policy_id=uuid.UUID(policy["id"]),
                placement_id=None,
                eligible=True,
                reasons=[],
                stay_started_on=date(2026, 1, 5),
                ongoing=False,
                months=1,
                earned=0,
                earned_units=0,
                total=500,
                as_of=today,
                fingerprint="x",
            )
        )
    assert _rules(world, laborer["id"], today) == ["left_before_milestone"]
    with _county(world, write=[DataKind.SUBSIDY]) as (session, _access):
        session.execute(
            update(Entitlement).where(Entitlement.laborer_id == laborer_id).values(earned=500)
        )
    assert _rules(world, laborer["id"], today) == []


def test_evaluate_twice_writes_no_duplicates(world, login):
    laborer = _laborer(login)
    _placement(login, laborer["id"], started_on="2026-01-10")
    today = date(2026, 6, 1)
    first = _evaluate(world, today)
    second = _evaluate(world, today)
    assert first.raised + first.kept >= 1
    assert _flags(world, laborer["id"]) == [("unverified", "open")]
    assert (second.raised, second.closed) == (0, 0)
    with _county(world) as (session, _access):
        rows = session.execute(
            select(WarningFlag.laborer_id, WarningFlag.rule, WarningFlag.subject_key, func.count())
            .group_by(WarningFlag.laborer_id, WarningFlag.rule, WarningFlag.subject_key)
            .having(func.count() > 1)
        ).all()
    assert rows == []


def test_cli_evaluates(cli, world, login):
    laborer = _laborer(login)
    _placement(login, laborer["id"], started_on="2026-01-10")
    result = cli("warnings", "evaluate", "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "warnings evaluated" in result.output
    assert _flags(world, laborer["id"]) == [("unverified", "open")]
    again = cli("warnings", "evaluate", "--as-of", "2026-06-01")
    assert " 0 raised, 0 closed" in again.output


def _flagged(world, login):  # type: ignore[no-untyped-def]
    laborer = _laborer(login, name="预警人")
    _placement(login, laborer["id"], started_on="2026-01-10")
    _evaluate(world, date(2026, 6, 1), [uuid.UUID(laborer["id"])])
    office = login(OFFICE)
    page = _ok(office.get("/api/v1/warnings", params={"laborer_id": laborer["id"]}))
    assert page["total"] == 1
    return laborer, page["items"][0]


def test_acknowledge_assign_and_close(world, login):
    laborer, flag = _flagged(world, login)
    assert (flag["rule"], flag["severity"], flag["laborer_name"]) == (
        "unverified",
        "medium",
        "预警人",
    )
    office = login(OFFICE)
    url = f"/api/v1/warnings/{flag['id']}"
    flag = _ok(office.post(f"{url}/acknowledge", json={"version": flag["version"]}))
    assert flag["status"] == "acknowledged"
    again = office.post(f"{url}/acknowledge", json={"version": flag["version"]})
    assert again.status_code == 409
    with world.owner_database().transaction() as session:
        staff = {"user_id": str(session.scalar(select(User.id).where(User.username == OFFICE)))}
    flag = _ok(
        office.post(f"{url}/assign", json={"version": flag["version"], "user_id": staff["user_id"]})
    )
    assert flag["assignee_id"] == staff["user_id"]
    # Only a user of the office.
    stranger = office.post(
        f"{url}/assign", json={"version": flag["version"], "user_id": str(uuid.uuid4())}
    )
    assert stranger.status_code == 422
    assert office.post(f"{url}/close", json={"version": 999, "note": "x"}).status_code == 409
    flag = _ok(
        office.post(f"{url}/close", json={"version": flag["version"], "note": "已电话联系，在岗"})
    )
    assert (flag["status"], flag["close_reason"]) == ("closed", "by_hand")
    # A cause closed by hand is not raised again while it lasts.
    _evaluate(world, date(2026, 6, 2), [uuid.UUID(laborer["id"])])
    assert _flags(world, laborer["id"]) == []
    # The county reads the flags of its laborers.
    assert _ok(login("wushan.admin").get(url))["status"] == "closed"


def test_a_logged_visit_answers_the_flag(world, login):
    laborer, flag = _flagged(world, login)
    office = login(OFFICE)
    body = {"version": flag["version"], "occurred_on": "2026-05-30", "summary": "走访：在岗正常"}
    out = _ok(office.post(f"/api/v1/warnings/{flag['id']}/visit", json=body))
    assert out["warning"]["status"] == "closed"
    assert out["warning"]["close_reason"] == "answered"
    assert out["warning"]["answered_by_case_id"] == out["case_id"]
    case = _ok(office.get(f"/api/v1/cases/{out['case_id']}"))
    assert (case["kind"], case["laborers"][0]["laborer_id"]) == ("visit", laborer["id"])


def test_outsiders_see_no_flags(world, login):
    _, flag = _flagged(world, login)
    url = f"/api/v1/warnings/{flag['id']}"
    for outsider in ("kaizhou.admin", "kaizhou.weifang.admin", "yantai.admin", "weifang.admin"):
        user = login(outsider)
        assert user.get(url).status_code == 404, outsider
        assert user.post(f"{url}/acknowledge", json={"version": 1}).status_code == 404, outsider
        listed = _ok(user.get("/api/v1/warnings", params={"page_size": 200}))["items"]
        assert flag["id"] not in [f["id"] for f in listed], outsider


def test_thresholds_are_the_countys(world, login):
    admin = login("wushan.admin")
    assert _ok(admin.get("/api/v1/warnings/settings"))["unverified_days"] == 60
    changed = _ok(admin.request("PUT", "/api/v1/warnings/settings", json={"unverified_days": 30}))
    assert (changed["unverified_days"], changed["dispute_days"]) == (30, 30)
    office = login(OFFICE)
    assert _ok(office.get("/api/v1/warnings/settings"))["unverified_days"] == 30
    assert (
        office.request("PUT", "/api/v1/warnings/settings", json={"idle_days": 5}).status_code == 403
    )
    assert login("yantai.admin").get("/api/v1/warnings/settings").status_code == 404
    laborer = _laborer(login)
    _placement(login, laborer["id"], started_on="2026-01-10")
    start = date(2026, 1, 10)
    assert _rules(world, laborer["id"], start + timedelta(days=30)) == []
    assert _rules(world, laborer["id"], start + timedelta(days=31)) == ["unverified"]
