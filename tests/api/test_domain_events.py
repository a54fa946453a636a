"""Domain events (api/events/): a hire raises `LaborerHired`; its placement starts in the
hire's transaction, the warnings are re-judged after the commit by a queued job, and a
hire that rolls back leaves neither placement nor job. Placements, holiday leave,
verifications (a list as one event) and disputes raise theirs the same way, and no
request switches to the county's view for the warnings any more."""

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from api import clock
from api.access import DataKind
from api.blobs import IMPORTS, JOBS, DiskBlobs
from api.casework import service as casework
from api.db import apply_access
from api.events import bus, wiring
from api.events.catalog import EVENTS, CaseClosed, LaborerHired
from api.imports.storage import UploadStore
from api.jobs import runner
from api.jobs.files import JobFiles
from api.placements import service as placements
from api.placements import verification
from api.referrals import service as referrals
from api.security.pii import PiiCipher
from api.warnings import rules
from shared_models import BackgroundJob, Laborer, Placement, WarningFlag
from shared_models.enums import (
    CaseKind,
    EvidenceSource,
    JobStatus,
    PlacementChannel,
    ReferralStatus,
)
from tests.api.test_casework import dispute, visit
from tests.api.test_referrals import _laborers, _post, _step, _vacancy
from tests.api.test_warnings import OFFICE, _county, _evaluate, _flags
from tests.fixtures.factories import employer_payload, laborer_payload, placement_payload
from tests.fixtures.ledgers import xlsx


@pytest.fixture
def client(world):  # type: ignore[no-untyped-def]
    """No worker threads: the test runs the queued jobs itself, when it chooses."""
    return world.client(worker_threads=0)


def _offered(login, laborer):  # type: ignore[no-untyped-def]
    vacancy = _vacancy(login, headcount=3)
    wushan = login("wushan.staff")
    [referral] = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]]},
    )
    return _step(wushan, _step(wushan, referral, "interviewed"), "offered")


def _event_jobs(world):  # type: ignore[no-untyped-def]
    with world.owner_database().transaction() as session:
        access = runner.jobs_access(frozenset(world.orgs.values()))
        apply_access(session, access)
        jobs = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == bus.EVENT_JOB))
        return [(j.status, j.params["subscriber"], j.params["event"]) for j in jobs]


def _tools(world, tmp_path):  # type: ignore[no-untyped-def]
    cipher = PiiCipher(world.settings)
    return runner.Tools(
        JobFiles(DiskBlobs(tmp_path / JOBS), cipher),
        cipher,
        UploadStore(DiskBlobs(tmp_path / IMPORTS), cipher),
    )


def test_a_hire_clears_the_idle_flag_once_its_job_has_run(world, login, tmp_path):
    [laborer] = _laborers(login, 1, employment_status="unemployed", transfer_willing=True)
    idle_since = clock.today() - timedelta(days=200)
    with _county(world, write=[DataKind.LABORER]) as (session, _access):
        session.execute(
            update(Laborer)
            .where(Laborer.id == uuid.UUID(laborer["id"]))
            .values(last_surveyed_on=idle_since, employment_as_of=idle_since)
        )
    _evaluate(world, clock.today(), [uuid.UUID(laborer["id"])])
    assert _flags(world, laborer["id"]) == [("idle_willing", "open")]

    # The receiving bureau records it: the job is its clerk's, the flags the county's.
    _step(login("yantai.staff"), _offered(login, laborer), "hired")
    # Committed with the hire: the placement, and one job per after-commit subscriber.
    placed = login("wushan.staff").get(f"/api/v1/laborers/{laborer['id']}").json()
    assert placed["employment_status"] == "employed"
    assert _event_jobs(world) == [(JobStatus.QUEUED, "warnings.rejudge_hired", "LaborerHired")]
    assert _flags(world, laborer["id"]) == [("idle_willing", "open")]  # not yet re-judged

    db = world.app_database()
    assert runner.run_next(db, _tools(world, tmp_path), "test")
    assert _event_jobs(world) == [(JobStatus.SUCCEEDED, "warnings.rejudge_hired", "LaborerHired")]
    assert _flags(world, laborer["id"]) == []
    assert _flags(world, laborer["id"], open_only=False) == [("idle_willing", "closed")]


class _Undo(Exception):
    pass


def _hire_then_undo(world, referral, laborer_id):  # type: ignore[no-untyped-def]
    """Hire in a transaction of the county's, look inside it, then roll it back."""
    referral_id = uuid.UUID(referral["id"])
    with world.app_database().transaction() as session:
        access = runner.creator_access(session, world.users["wushan.staff"], world.orgs["wushan"])
        apply_access(session, access)
        referrals.advance(
            session, access, referral_id, ReferralStatus.HIRED, version=referral["version"]
        )
        started = session.scalars(select(Placement).where(Placement.referral_id == referral_id))
        assert [p.laborer_id for p in started] == [laborer_id]
        queued = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == bus.EVENT_JOB))
        assert [j.params["subscriber"] for j in queued] == ["warnings.rejudge_hired"]
        raise _Undo


def test_the_placement_is_in_the_hires_transaction_and_a_rollback_leaves_nothing(world, login):
    free, busy = _laborers(login, 2)
    referral = _offered(login, free)
    with pytest.raises(_Undo):
        _hire_then_undo(world, referral, uuid.UUID(free["id"]))
    wushan = login("wushan.staff")
    assert wushan.get(f"/api/v1/referrals/{referral['id']}").json()["status"] == "offered"
    assert wushan.get(f"/api/v1/placements?laborer_id={free['id']}").json()["total"] == 0

    # Still in another job: the in-transaction subscriber refuses the hire itself.
    referral = _offered(login, busy)
    started = (clock.today() - timedelta(days=30)).isoformat()
    _post(wushan, "/api/v1/placements", placement_payload(busy["id"], started_on=started))
    _step(wushan, referral, "hired", expect=422)
    assert wushan.get(f"/api/v1/referrals/{referral['id']}").json()["status"] == "offered"
    assert wushan.get(f"/api/v1/placements?laborer_id={busy['id']}").json()["total"] == 1
    # Only the typed-in placement's own event: the refused hire queued nothing.
    assert [e for _s, _n, e in _event_jobs(world)] == ["PlacementRecorded"]


def test_every_subscriber_is_registered_once_and_its_event_survives_the_job_row():
    wiring.wire()
    before = list(bus.REGISTRY.subscriptions)
    wiring.wire()  # a second start in the same process adds nothing
    assert bus.REGISTRY.subscriptions == before
    names = [s.name for s in before]
    assert len(names) == len(set(names))
    assert {(s.name, s.phase) for s in bus.REGISTRY.of(LaborerHired)} == {
        ("placements.start_placement", bus.Phase.IN_TRANSACTION),
        ("warnings.rejudge_hired", bus.Phase.AFTER_COMMIT),
    }
    first = before[0]
    with pytest.raises(ValueError, match="registered twice"):
        bus.REGISTRY.subscribe(first.event, first.phase, first.name, first.handle)
    hired = LaborerHired(
        uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), clock.today(), clock.today()
    )
    assert bus.from_params(bus.to_params(hired)) == hired
    closed = CaseClosed(
        uuid.uuid4(), CaseKind.DISPUTE, uuid.uuid4(), (uuid.uuid4(),), (), clock.today()
    )
    assert bus.from_params(bus.to_params(closed)) == closed  # tuples and kinds survive too
    assert set(EVENTS) == {
        "LaborerHired",
        "PlacementRecorded",
        "PlacementChanged",
        "PlacementEnded",
        "LeaveStarted",
        "LeaveEnded",
        "VerificationsRecorded",
        "CaseOpened",
        "CaseChanged",
        "CaseClosed",
    }
    # Every event the warnings follow is re-judged after the commit, none in the request.
    for event in EVENTS.values():
        [judge] = [s for s in bus.REGISTRY.of(event) if s.name.startswith("warnings.")]
        assert judge.phase is bus.Phase.AFTER_COMMIT


# --- placements, leave, verifications and cases ---------------------------------------


def _queued(world):  # type: ignore[no-untyped-def]
    """The queued events, oldest first: (event, its fields)."""
    with world.owner_database().transaction() as session:
        apply_access(session, runner.jobs_access(frozenset(world.orgs.values())))
        jobs = session.scalars(
            select(BackgroundJob)
            .where(BackgroundJob.kind == bus.EVENT_JOB, BackgroundJob.status == JobStatus.QUEUED)
            .order_by(BackgroundJob.created_at)
        )
        return [(j.params["event"], j.params["fields"]) for j in jobs]


def _run_jobs(world, tmp_path):  # type: ignore[no-untyped-def]
    db, tools = world.app_database(), _tools(world, tmp_path)
    while runner.run_next(db, tools, "test"):
        pass
    assert not _queued(world)


def _ok(response, expect=(200, 201)):  # type: ignore[no-untyped-def]
    assert response.status_code in expect, response.text
    return response.json()


def test_each_change_of_a_placement_raises_its_event_once(world, login, monkeypatch, tmp_path):
    judged = []
    county_view = rules.county_system_access
    monkeypatch.setattr(
        rules, "county_system_access", lambda *a: judged.append(a) or county_view(*a)
    )
    wushan = login("wushan.staff")
    [laborer] = _laborers(login, 1)
    today = clock.today()
    started = (today - timedelta(days=90)).isoformat()
    placement = _ok(
        wushan.post("/api/v1/placements", json=placement_payload(laborer["id"], started_on=started))
    )
    url = f"/api/v1/placements/{placement['id']}"
    placement = _ok(
        wushan.patch(url, json={"version": 1, "employer_name": "烟台另一家电子有限公司"})
    )
    _ok(wushan.post(f"{url}/verifications", json={"month": f"{today:%Y-%m}", "source": "payroll"}))
    leave = _ok(
        wushan.post(
            f"{url}/leaves",
            json={
                "left_on": (today - timedelta(days=9)).isoformat(),
                "expected_return_on": today.isoformat(),
            },
        )
    )
    back = {"returned_on": today.isoformat(), "version": leave["version"]}
    _ok(wushan.post(f"/api/v1/leaves/{leave['id']}/return", json=back))
    placement = _ok(wushan.get(url))
    ended = {
        "version": placement["version"],
        "ended_on": today.isoformat(),
        "separation_reason": "quit",
    }
    _ok(wushan.patch(url, json=ended))

    assert [name for name, _fields in _queued(world)] == [
        "PlacementRecorded",
        "PlacementChanged",
        "VerificationsRecorded",
        "LeaveStarted",
        "LeaveEnded",
        "PlacementEnded",
    ]
    for _name, fields in _queued(world):
        assert fields["recorded_on"] == today.isoformat()
        assert fields.get("laborer_id", (fields.get("laborer_ids") or [None])[0]) == laborer["id"]
    assert judged == []  # no request took the county's view for the warnings
    _run_jobs(world, tmp_path)
    assert len(judged) == 6  # each job did, in its own transaction


def test_a_verification_list_is_one_event_for_its_laborers(world, login):
    wushan = login("wushan.staff")
    people = [_laborer_with_id(login) for _ in range(2)]
    for _body, laborer in people:
        _ok(wushan.post("/api/v1/placements", json=placement_payload(laborer["id"])))
    rows = [
        {"身份证号码": body["id_number"], "核实月份": month}
        for body, _laborer in people
        for month in ("2021-04", "2021-05")
    ]
    listing = xlsx(rows, headers=["身份证号码", "核实月份"])
    saved = _ok(
        wushan.post(
            "/api/v1/verifications/import",
            files={"file": ("社保缴费名单.xlsx", listing)},
            data={"source": "social_insurance", "dry_run": "false"},
        )
    )
    assert (saved["saved"], saved["applied"]) == (True, 4)
    queued = [q for q in _queued(world) if q[0] == "VerificationsRecorded"]
    assert [fields["laborer_ids"] for _name, fields in queued] == [[p["id"] for _b, p in people]]


def _laborer_with_id(login):  # type: ignore[no-untyped-def]
    body = laborer_payload()
    return body, _ok(login("wushan.staff").post("/api/v1/laborers", json=body))


def test_only_disputes_queue_warning_work_and_a_move_rejudges_both_employers(
    world, login, tmp_path
):
    office = login(OFFICE)
    first, second = (
        _ok(login("yantai.admin").post("/api/v1/employers", json=employer_payload()))
        for _ in range(2)
    )
    [placed, *claimants] = _laborers(login, 4)
    _ok(
        login("wushan.staff").post(
            "/api/v1/placements",
            json=placement_payload(
                placed["id"], employer_id=first["id"], started_on=clock.today().isoformat()
            ),
        )
    )
    _run_jobs(world, tmp_path)
    _ok(office.post("/api/v1/cases", json=visit([claimants[0]["id"]])))
    assert _queued(world) == []  # a visit drives no warning rule: nothing queued
    cases = [
        _ok(office.post("/api/v1/cases", json=dispute([c["id"]], employer_id=first["id"])))
        for c in claimants
    ]
    assert [name for name, _f in _queued(world)] == ["CaseOpened"] * 3
    _run_jobs(world, tmp_path)
    assert ("employer_disputes", "open") in _flags(world, placed["id"])

    # One dispute moves to another employer: the first now has two, below the threshold;
    # the event names both employers, so the laborer placed with the first is re-judged.
    # (The API does not change a case's employer; the service does, for corrections.)
    with world.app_database().transaction() as session:
        access = runner.creator_access(session, world.users[OFFICE], world.orgs["wushan_office"])
        apply_access(session, access)
        changes = {"employer_id": uuid.UUID(second["id"])}
        casework.update(session, access, uuid.UUID(cases[0]["id"]), changes, version=1)
    [(name, fields)] = _queued(world)
    assert (name, sorted(fields["employer_ids"])) == (
        "CaseChanged",
        sorted([first["id"], second["id"]]),
    )
    _run_jobs(world, tmp_path)
    assert ("employer_disputes", "open") not in _flags(world, placed["id"])
    resolved = {"version": 2, "status": "resolved"}
    _ok(office.patch(f"/api/v1/cases/{cases[0]['id']}", json=resolved))
    assert [name for name, _f in _queued(world)] == ["CaseClosed"]


def _record_then_undo(world, laborer_id):  # type: ignore[no-untyped-def]
    """A placement and a one-row batch of verifications, then the transaction rolls back."""
    with world.app_database().transaction() as session:
        access = runner.creator_access(session, world.users["wushan.staff"], world.orgs["wushan"])
        apply_access(session, access)
        placement = placements.create(
            session,
            access,
            placements.PlacementInput(
                laborer_id,
                PlacementChannel.SELF_FOUND,
                date(2021, 3, 1),
                employer_name="烟台某电子有限公司",
                region_code="370602",
            ),
        )
        verification.verify(
            session,
            access,
            placement.id,
            month=date(2021, 4, 1),
            in_post=True,
            source=EvidenceSource.PAYROLL,
            refresh=False,
        )
        verification.batch_recorded(session, access, [placement.laborer_id], today=clock.today())
        queued = session.scalars(
            select(BackgroundJob.params).where(BackgroundJob.kind == bus.EVENT_JOB)
        )
        assert [p["event"] for p in queued] == ["PlacementRecorded", "VerificationsRecorded"]
        raise _Undo


def test_a_rolled_back_change_queues_nothing(world, login):
    [laborer] = _laborers(login, 1)
    with pytest.raises(_Undo):
        _record_then_undo(world, uuid.UUID(laborer["id"]))
    assert _queued(world) == []
    assert (
        login("wushan.staff").get(f"/api/v1/placements?laborer_id={laborer['id']}").json()["total"]
        == 0
    )


def test_the_job_judges_as_of_the_day_the_change_was_recorded(world, login, monkeypatch, tmp_path):
    wushan = login("wushan.staff")
    [laborer] = _laborers(login, 1)
    today = clock.today()
    started = (today - timedelta(days=100)).isoformat()
    placement = _ok(
        wushan.post("/api/v1/placements", json=placement_payload(laborer["id"], started_on=started))
    )
    _run_jobs(world, tmp_path)
    assert _flags(world, laborer["id"]) == [("unverified", "open")]
    url = f"/api/v1/placements/{placement['id']}/verifications"
    _ok(wushan.post(url, json={"month": f"{today:%Y-%m}", "source": "payroll"}))
    assert _flags(world, laborer["id"]) == [("unverified", "open")]  # not yet re-judged
    # The worker was down till next week: the flag still closes on the day recorded.
    monkeypatch.setattr(clock, "today", lambda: today + timedelta(days=7))
    _run_jobs(world, tmp_path)
    assert _flags(world, laborer["id"], open_only=False) == [("unverified", "closed")]
    with _county(world) as (session, _access):
        closed_on = session.scalar(
            select(WarningFlag.closed_on).where(WarningFlag.laborer_id == uuid.UUID(laborer["id"]))
        )
    assert closed_on == today


def test_only_the_after_commit_jobs_rejudge_warnings_between_nightly_runs():
    """`rules.refresh` takes the county's view: no service or page calls it any more."""
    root = Path(__file__).parents[2]
    callers = {
        str(path.relative_to(root))
        for tree in ("api", "web")
        for path in (root / tree).rglob("*.py")
        if "rules.refresh(" in path.read_text(encoding="utf-8")
    }
    assert callers == {"api/warnings/subscribers.py"}
