"""Domain events (api/events/): a hire raises `LaborerHired`; its placement starts in the
hire's transaction, the warnings are re-judged after the commit by a queued job, and a
hire that rolls back leaves neither placement nor job."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from api import clock
from api.access import DataKind
from api.blobs import IMPORTS, JOBS, DiskBlobs
from api.db import apply_access
from api.events import bus, wiring
from api.events.catalog import EVENTS, LaborerHired
from api.imports.storage import UploadStore
from api.jobs import runner
from api.jobs.files import JobFiles
from api.referrals import service as referrals
from api.security.pii import PiiCipher
from shared_models import BackgroundJob, Laborer, Placement
from shared_models.enums import JobStatus, ReferralStatus
from tests.api.test_referrals import _laborers, _post, _step, _vacancy
from tests.api.test_warnings import _county, _evaluate, _flags
from tests.fixtures.factories import placement_payload


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
    assert _event_jobs(world) == []


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
    assert set(EVENTS) == {"LaborerHired"}
