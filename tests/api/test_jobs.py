"""Background jobs: queued → running → succeeded, failed, cancelled midway; a job is
taken by one worker only; a rejected ledger comes back with a reason column."""

import io
import threading
import uuid

import pytest
import python_calamine

from api.blobs import IMPORTS, JOBS, DiskBlobs
from api.db import apply_access, is_postgres
from api.errors import BadRequest, NotFound
from api.imports.storage import UploadStore
from api.jobs import handlers, runner
from api.jobs import service as jobs
from api.jobs.files import JobFiles
from api.jobs.runner import Outcome, Tools, Work
from api.jobs.workbook import REASON_HEADER
from api.security.pii import PiiCipher
from shared_models.enums import JobStatus
from tests.fixtures.ledgers import ledger_row, xlsx

# The cancel hook of the "test.steps" kind, set by the test that cancels midway.
HOOKS: dict[uuid.UUID, object] = {}


@runner.handler("test.steps")
def _steps(work: Work) -> Outcome:
    steps = work.params["steps"]
    for step in range(1, steps + 1):
        work.progress("write", step, steps)
        if step == work.params.get("cancel_at"):
            HOOKS[work.job_id]()  # type: ignore[operator]
    if work.params.get("fail"):
        raise BadRequest("The file is larger than 20 MB; split it.")
    if work.params.get("boom"):
        raise RuntimeError("a bug")
    return Outcome(message="Every row passed the checks.", outcome_url="/laborers")


@pytest.fixture
def setup(world, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(runner, "REPORT_EVERY_SECONDS", 0)  # every chunk reports
    db = world.app_database()
    cipher = PiiCipher(world.settings)
    tools = Tools(
        JobFiles(DiskBlobs(tmp_path / JOBS), cipher),
        cipher,
        UploadStore(DiskBlobs(tmp_path / IMPORTS), cipher),
    )
    return world, db, tools


def _as(world, db, username="wushan.staff", tenant="wushan"):  # type: ignore[no-untyped-def]
    """A transaction in the user's context, as a page has it."""

    class _Ctx:
        def __enter__(self):  # type: ignore[no-untyped-def]
            self._tx = db.transaction()
            session = self._tx.__enter__()
            access = runner.creator_access(session, world.users[username], world.orgs[tenant])
            apply_access(session, access)
            return session, access

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            return self._tx.__exit__(*exc)

    return _Ctx()


def _queue(setup, kind="test.steps", **kwargs):  # type: ignore[no-untyped-def]
    world, db, tools = setup
    with _as(world, db) as (session, access):
        return jobs.enqueue(session, access, tools.files, kind, **kwargs).id


def _view(setup, job_id):  # type: ignore[no-untyped-def]
    world, db, _tools = setup
    with _as(world, db) as (session, access):
        return jobs.view(session, access, job_id)


def test_a_job_is_queued_then_running_then_succeeded(setup):
    _world, db, tools = setup
    job_id = _queue(setup, params={"steps": 3})
    assert _view(setup, job_id).job.status is JobStatus.QUEUED
    taken = runner.claim(db, "worker-1")
    assert taken["id"] == job_id
    running = _view(setup, job_id)
    assert running.job.status is JobStatus.RUNNING and running.job.worker == "worker-1"
    assert runner.claim(db, "worker-2") is None  # nothing else waits
    runner.execute(db, tools, taken)
    done = _view(setup, job_id)
    assert done.job.status is JobStatus.SUCCEEDED and done.percent == 100
    assert done.message and done.job.stage == "done"
    assert done.job.outcome_url == "/laborers" and done.job.finished_at is not None


def test_a_job_that_raises_fails_with_its_message(setup):
    _world, db, tools = setup
    refused = _queue(setup, params={"steps": 1, "fail": True})
    broken = _queue(setup, params={"steps": 1, "boom": True})
    assert runner.run_next(db, tools, "w") and runner.run_next(db, tools, "w")
    assert not runner.run_next(db, tools, "w")
    failed = _view(setup, refused)
    assert failed.job.status is JobStatus.FAILED
    assert "20 MB" in failed.message
    crashed = _view(setup, broken)
    assert crashed.job.status is JobStatus.FAILED and crashed.job.finished_at is not None


def test_a_job_cancelled_midway_stops_between_chunks(setup):
    world, db, tools = setup
    job_id = _queue(setup, params={"steps": 10, "cancel_at": 4})

    def cancel() -> None:
        if is_postgres(db.engine):  # the page's own path, in a transaction of its own
            with _as(world, db) as (session, access):
                jobs.cancel(session, access, job_id)
        else:  # SQLite: the work holds the one writer; the flag travels in memory
            runner.request_cancel_here(job_id)

    HOOKS[job_id] = cancel
    assert runner.run_next(db, tools, "w")
    ended = _view(setup, job_id)
    assert ended.job.status is JobStatus.CANCELLED
    assert ended.message  # "cancelled; nothing was saved"
    if is_postgres(db.engine):
        assert ended.job.cancel_requested and ended.job.done == 5  # the next chunk saw it


def test_a_queued_job_cancelled_never_runs(setup):
    world, db, tools = setup
    job_id = _queue(setup, params={"steps": 1})
    with _as(world, db) as (session, access):
        assert jobs.cancel(session, access, job_id).status is JobStatus.CANCELLED
    assert not runner.run_next(db, tools, "w")


def test_another_member_cannot_see_a_job(setup):
    world, db, _tools = setup
    job_id = _queue(setup, params={"steps": 1})
    with _as(world, db, "wushan.admin") as (session, access):
        with pytest.raises(NotFound) as refused:
            jobs.view(session, access, job_id)
        assert refused.value.status == 404
    with _as(world, db, "kaizhou.staff", "kaizhou") as (session, access):
        with pytest.raises(NotFound) as refused:
            jobs.view(session, access, job_id)
        assert refused.value.status == 404


def test_two_workers_never_take_the_same_job(setup):
    _world, db, _tools = setup
    queued = {_queue(setup, params={"steps": 1}) for _ in range(12)}
    taken: dict[str, list[uuid.UUID]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def work(name: str) -> None:
        start.wait()
        while (job := runner.claim(db, name)) is not None:
            taken[name].append(job["id"])

    threads = [threading.Thread(target=work, args=(n,)) for n in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not set(taken["a"]) & set(taken["b"])
    assert set(taken["a"]) | set(taken["b"]) == queued
    assert len(taken["a"]) + len(taken["b"]) == len(queued)


def test_a_rejected_ledger_comes_back_with_a_reason_beside_each_bad_row(setup):
    world, db, tools = setup
    rows = [ledger_row(), ledger_row(就业状态="在家"), ledger_row()]
    job_id = _queue(setup, handlers.LABORER_PREVIEW, data=xlsx(rows), filename="台账.xlsx")
    assert runner.run_next(db, tools, "w")
    with _as(world, db) as (session, access):
        view = jobs.view(session, access, job_id)
        assert view.job.status is JobStatus.SUCCEEDED
        assert view.job.outcome_url.startswith("/laborers/import/")
        name, content = jobs.result(session, access, tools.files, job_id)
    assert name == f"台账-{REASON_HEADER}.xlsx"
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    table = sheet.get_sheet_by_index(0).to_python()
    reason = table[0].index(REASON_HEADER)
    assert table[0][:2] == ["姓名", "身份证号码"]
    assert table[1][reason] == "" and table[3][reason] == ""
    assert "就业状态" in table[2][reason] and "在家" in table[2][reason]
    assert table[2][1] == rows[1]["身份证号码"]  # the ID number stays text


def test_laborbridge_worker_once_runs_what_is_queued(setup, cli):
    first = _queue(setup, params={"steps": 2})
    second = _queue(setup, params={"steps": 1})
    result = cli("worker", "--once")
    assert result.exit_code == 0, result.output
    assert "jobs run: 2" in result.output
    assert {_view(setup, j).job.status for j in (first, second)} == {JobStatus.SUCCEEDED}
