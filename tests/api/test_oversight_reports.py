"""The reporting cycle (issue 13): a bureau submits a period's report, which freezes its
figures; a later correction shows as a revision; the supervisor returns it with a reason
or accepts it; who may decide; completeness and lateness at the deadline in bureau time."""

import uuid
from datetime import UTC, date, datetime, time

import time_machine
from sqlalchemy import select

from api import clock
from api.oversight import reports
from api.oversight.periods import parse
from shared_models import AuditEntry, PeriodReport
from tests.api.test_oversight_snapshots import _take
from tests.api.test_oversight_statistics import _ok, _place, _register
from tests.fixtures.world import PASSWORD

XUN = "2025-03-1"  # 1–10 March 2025
WEEK = "2025-W11"  # Monday 10 to Sunday 16 March 2025; due Friday 14th 12:00 Shanghai


def _at(moment: datetime):  # type: ignore[no-untyped-def]
    return time_machine.travel(moment, tick=True)


def _local(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=clock.zone())


def _submit(login, user: str, period: str, comment: str = "", when=None):  # type: ignore[no-untyped-def]
    with _at(when or _local("2025-03-11")):
        return login(user).post("/api/v1/reports", json={"period": period, "comment": comment})


def _values(body) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {v["indicator"]: v["numerator"] for v in body["values"]}


def test_submit_freezes_and_a_later_correction_shows_as_a_revision(world, login):
    wushan = login("wushan.staff")
    first = _register(login, "2025-02-01")
    late = _register(login, "2025-02-01")
    _place(wushan, first, "2025-03-05")

    submitted = _ok(_submit(login, "wushan.staff", XUN, "三月上旬转移1人。"))
    assert (submitted["status"], submitted["period"], submitted["kind"]) == (
        "submitted",
        XUN,
        "xun",
    )
    assert submitted["late"] is False  # due 11 March 12:00, submitted at 10:00
    assert submitted["comment"] == "三月上旬转移1人。"
    assert submitted["submissions"] == 1
    assert _values(submitted)["transfers"] == 1
    assert submitted["revisions"] == [] and submitted["revision_source"] == "live"
    # The previous 旬 (21–28 February) has no report: its figures are counted now.
    assert submitted["previous"]["period"] == "2025-02-3"
    assert submitted["previous"]["source"] == "live"

    # A placement in the 旬, recorded only now: back-dated into the frozen period.
    _place(wushan, late, "2025-03-06")

    again = _ok(wushan.get(f"/api/v1/reports/{submitted['id']}"))
    assert _values(again) == _values(submitted)  # frozen: never a silent change
    revised = {r["indicator"]: r for r in again["revisions"]}
    assert revised["transfers"]["frozen"]["value"] == 1
    assert revised["transfers"]["now"]["value"] == 2
    assert revised["transfers"]["difference"] == 1

    # The supervisor reads no records: it sees the frozen figures, and a revision only
    # once the bureau's figures are frozen again.
    chongqing = login("chongqing.staff")
    seen = _ok(chongqing.get(f"/api/v1/reports/{submitted['id']}"))
    assert _values(seen) == _values(submitted)
    assert seen["revision_source"] == "none" and seen["revisions"] == []
    assert seen["bureau_name"] == "巫山县人社局"

    # Submitting again while it waits for the supervisor is refused.
    twice = _submit(login, "wushan.staff", XUN, when=_local("2025-03-12"))
    assert twice.status_code == 409, twice.text
    assert "已报送" in twice.json()["detail"]  # in the bureau's language, Chinese by default


def test_returned_with_a_reason_resubmitted_and_accepted(world, login):
    first = _ok(_submit(login, "wushan.staff", XUN, "初稿"))
    chongqing = login("chongqing.staff")

    no_reason = chongqing.post(f"/api/v1/reports/{first['id']}/return", json={"reason": "  "})
    assert no_reason.status_code == 422, no_reason.text
    assert no_reason.json()["errors"][0]["field"] == "reason"

    returned = _ok(
        chongqing.post(f"/api/v1/reports/{first['id']}/return", json={"reason": "请补充分析说明"})
    )
    assert returned["status"] == "returned"
    assert returned["return_reason"] == "请补充分析说明"
    assert returned["decided_by"].endswith("重庆市人力资源和社会保障局")
    # Only a submitted report is decided on.
    assert chongqing.post(f"/api/v1/reports/{first['id']}/accept").status_code == 409

    # After the due time: a resubmission is not late (lateness is of the first one).
    second = _ok(
        _submit(login, "wushan.staff", XUN, "补充：外出务工集中返岗。", _local("2025-03-13"))
    )
    assert second["id"] == first["id"]
    assert (second["status"], second["submissions"]) == ("submitted", 2)
    assert second["snapshot_id"] != first["snapshot_id"]
    assert second["first_submitted_at"] == first["first_submitted_at"]
    assert second["late"] is False
    assert second["comment"] == "补充：外出务工集中返岗。"
    # The last return's reason stays beside it, for the supervisor to check against.
    assert second["return_reason"] == "请补充分析说明"

    accepted = _ok(chongqing.post(f"/api/v1/reports/{first['id']}/accept"))
    assert accepted["status"] == "accepted"
    refused = _submit(login, "wushan.staff", XUN, when=_local("2025-03-14"))
    assert refused.status_code == 409, refused.text

    listed = _ok(chongqing.get("/api/v1/reports", params={"status": "accepted", "kind": "xun"}))
    assert [r["id"] for r in listed["items"]] == [first["id"]] and listed["total"] == 1
    assert _ok(login("kaizhou.staff").get("/api/v1/reports"))["total"] == 0

    # Every step is in the bureau's own audit log, whoever took it.
    with world.superuser_session() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.tenant_id == world.orgs["wushan"],
                AuditEntry.entity_type == "period_report",
            )
            .order_by(AuditEntry.seq)
        ).all()
    assert actions == ["report.submit", "report.return", "report.submit", "report.accept"]


def test_only_the_bureaus_supervisor_decides(world, login, cli):
    report = _ok(_submit(login, "wushan.staff", XUN))
    url = f"/api/v1/reports/{report['id']}"
    # A supervising organization over 烟台 only.
    made = cli(
        "org", "create", "--kind", "supervising", "--name", "山东省人社厅", "--region", "370000"
    )
    assert made.exit_code == 0, made.output
    linked = cli("org", "supervise", "--supervisor", "山东省人社厅", "--bureau", "烟台市人社局")
    assert linked.exit_code == 0, linked.output
    account = ["--org", "山东省人社厅", "--username", "shandong.staff", "--role", "staff"]
    user = cli("user", "create", *account, stdin=f"{PASSWORD}\n")
    assert user.exit_code == 0, user.output

    # Outside the caller's reports: 404, as any object outside its tenants.
    for outsider in ("shandong.staff", "kaizhou.staff", "yantai.staff", "wushan.yantai.staff"):
        caller = login(outsider)
        assert caller.get(url).status_code == 404, outsider
        assert caller.post(f"{url}/accept").status_code == 404, outsider
        assert caller.post(f"{url}/return", json={"reason": "x"}).status_code == 404, outsider
    # The bureau reads its own report but does not sign it off.
    own = login("wushan.staff").post(f"{url}/accept")
    assert own.status_code == 403, own.text
    # A liaison office, and a supervisor, submit no report.
    assert _submit(login, "wushan.yantai.staff", XUN).status_code == 403
    assert _submit(login, "chongqing.staff", XUN).status_code == 403
    # Still waiting: nobody above decided.
    assert _ok(login("chongqing.staff").get(url))["status"] == "submitted"


def test_completeness_and_lateness_at_the_deadline_in_bureau_time(world, login):
    # Friday 14 March 2025, 12:00 in Chongqing is 04:00 UTC.
    before = datetime(2025, 3, 14, 3, 59, tzinfo=UTC)
    after = datetime(2025, 3, 14, 4, 1, tzinfo=UTC)
    with _at(before):
        board = _ok(login("chongqing.staff").get("/api/v1/reports/completeness?period=" + WEEK))
    states = {r["bureau_name"]: (r["state"], r["late"]) for r in board}
    assert states == {
        "巫山县人社局": ("not_yet", False),
        "开州区就业和人才中心": ("not_yet", False),
    }
    due = {datetime.fromisoformat(r["due_at"].replace("Z", "+00:00")) for r in board}
    assert due == {datetime(2025, 3, 14, 4, 0, tzinfo=UTC)}

    # A week's report may be submitted within the week: it is due before it ends.
    on_time = _ok(_submit(login, "wushan.staff", WEEK, when=before))
    assert on_time["late"] is False

    with _at(after):
        board = _ok(login("chongqing.staff").get("/api/v1/reports/completeness?period=" + WEEK))
    states = {r["bureau_name"]: (r["state"], r["late"]) for r in board}
    assert states == {
        "巫山县人社局": ("submitted", False),
        "开州区就业和人才中心": ("overdue", True),
    }
    late = _ok(_submit(login, "kaizhou.staff", WEEK, when=after))
    assert late["late"] is True
    with _at(after):
        board = _ok(login("chongqing.staff").get("/api/v1/reports/completeness?period=" + WEEK))
        own = _ok(login("kaizhou.staff").get("/api/v1/reports/completeness?period=" + WEEK))
    assert {r["bureau_name"]: r["late"] for r in board} == {
        "巫山县人社局": False,
        "开州区就业和人才中心": True,
    }
    assert [(r["bureau_name"], r["state"]) for r in own] == [("开州区就业和人才中心", "submitted")]

    # Not begun yet: the next week cannot be reported.
    early = _submit(login, "wushan.staff", "2025-W12", when=after)
    assert early.status_code == 422, early.text
    assert early.json()["errors"][0]["code"] == "period_not_begun"
    # Nor a quarter: reports are weekly, by 旬 or monthly.
    quarter = _submit(login, "wushan.staff", "2025-Q1", when=_local("2025-04-02"))
    assert quarter.status_code == 422
    assert quarter.json()["errors"][0]["code"] == "not_a_report_period"


def test_the_due_time_follows_the_settings(world):
    settings = world.settings.model_copy(
        update={"report_weekly_due_weekday": 0, "report_due_time": time(9, 30)}
    )
    deadline = reports.deadline(settings)
    assert deadline.of(parse(WEEK)) == _local("2025-03-10", 9, 30)  # Monday of the week
    assert deadline.of(parse(XUN)) == _local("2025-03-11", 9, 30)  # the day after the 旬
    default = reports.deadline(world.settings)
    assert default.of(parse(WEEK)) == _local("2025-03-14", 12, 0)
    assert default.of(parse("2025-02")) == _local("2025-03-01", 12, 0)


def test_a_stored_report_keeps_its_due_time(world, login):
    report = _ok(_submit(login, "wushan.staff", WEEK, when=_local("2025-03-12")))
    with world.superuser_session() as session:
        stored = session.scalars(
            select(PeriodReport).where(PeriodReport.id == uuid.UUID(report["id"]))
        ).one()
        assert stored.due_at == _local("2025-03-14", 12, 0)
        assert stored.snapshot.reason.value == "submitted"
        assert stored.snapshot.as_of == date(2025, 3, 12)  # a week under way: up to the day


def test_a_xun_compares_with_the_previous_report_and_a_supervisor_sees_later_freezes(world, login):
    wushan = login("wushan.staff")
    people = [_register(login, "2025-02-01") for _ in range(3)]
    _place(wushan, people[0], "2025-02-25")
    february = _ok(_submit(login, "wushan.staff", "2025-02-3", "二月下旬", _local("2025-03-01")))
    assert _values(february)["transfers"] == 1
    _place(wushan, people[1], "2025-03-03")
    _place(wushan, people[2], "2025-03-04")

    march = _ok(_submit(login, "wushan.staff", XUN, "三月上旬"))
    # The previous 旬 is reported: its figures are that report's, as submitted.
    assert march["previous"] == {
        "period": "2025-02-3",
        "source": "report",
        "values": february["values"],
    }
    assert _values(march)["transfers"] == 2

    # A correction to February after both were submitted: a revision of February's
    # report for the bureau; March's comparison still uses February as submitted.
    late = _register(login, "2025-02-01")
    _place(wushan, late, "2025-02-27")
    again = _ok(wushan.get(f"/api/v1/reports/{march['id']}"))
    assert again["previous"]["values"] == february["values"]
    revised = {
        r["indicator"]: r for r in _ok(wushan.get(f"/api/v1/reports/{february['id']}"))["revisions"]
    }
    assert (revised["transfers"]["frozen"]["value"], revised["transfers"]["now"]["value"]) == (1, 2)

    # The supervisor sees the revision once the bureau's figures are frozen again: the
    # nightly snapshot of the ended 旬.
    chongqing = login("chongqing.staff")
    assert _ok(chongqing.get(f"/api/v1/reports/{february['id']}"))["revision_source"] == "none"
    assert _take(world, "wushan", code="2025-02-3", today=date(2025, 3, 12)) is not None
    seen = _ok(chongqing.get(f"/api/v1/reports/{february['id']}"))
    assert seen["revision_source"] == "snapshot"
    assert [(r["indicator"], r["difference"]) for r in seen["revisions"]
            if r["indicator"] == "transfers"] == [("transfers", 1)]  # fmt: skip
    assert _values(seen) == _values(february)  # frozen as submitted
