"""`laborbridge warnings evaluate` runs once at a time: a CronJob retried on another pod,
or an operator's run beside the scheduled one, finds the advisory lock taken and stops
cleanly instead of failing half-way with StaleDataError. Real processes, each with its
own connections, against the test's PostgreSQL database."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.single_run import single_run
from shared_models.warnings import WarningFlag

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-01"  # the demo's placements have unverified months by then
ALREADY = "warnings evaluate is already running elsewhere; this run changes nothing"


def _env(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    settings = world.settings
    return {
        "PATH": "/usr/bin:/bin",
        "LB_ENV": settings.env,
        "LB_SECRET_KEY": settings.secret_key.get_secret_value(),
        "LB_DATABASE_URL": settings.database_url,
        "LB_OWNER_DATABASE_URL": settings.owner_database_url,
        "LB_DB_APP_ROLE": settings.db_app_role,
        "LB_DATA_DIR": str(settings.data_dir),
    }


def _start(world) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    command = "from api.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", command, "warnings", "evaluate", "--as-of", AS_OF],
        cwd=ROOT,
        env=_env(world),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(run: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = run.communicate(timeout=120)
    return run.returncode, out + err


def _flags(world) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with world.superuser_session() as session:
        rows = session.execute(
            select(WarningFlag.laborer_id, WarningFlag.rule, WarningFlag.status)
        ).all()
    return sorted(tuple(str(v) for v in row) for row in rows)


def test_a_run_while_another_holds_the_lock_changes_nothing(world):
    before = _flags(world)
    with single_run(world.owner_database().engine, "warnings evaluate") as ours:
        assert ours
        code, output = _finish(_start(world))
        assert code == 0, output
        assert ALREADY in output
        assert "预警测算已在另一处运行" in output
        assert _flags(world) == before
    # The lock went with the first run: the next one does the work.
    code, output = _finish(_start(world))
    assert code == 0, output
    assert "warnings evaluated" in output
    assert _flags(world) != before


def test_two_runs_at_once_both_end_cleanly_and_flag_each_cause_once(world):
    runs = [_start(world), _start(world)]
    results = [_finish(run) for run in runs]
    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output, output
    outputs = [output for _code, output in results]
    evaluated = [o for o in outputs if "warnings evaluated" in o]
    assert len(evaluated) >= 1
    assert all("warnings evaluated" in o or ALREADY in o for o in outputs)
    with world.superuser_session() as session:
        doubled = session.execute(
            select(WarningFlag.laborer_id, WarningFlag.rule, WarningFlag.subject_key)
            .where(WarningFlag.status != "closed")
            .group_by(WarningFlag.laborer_id, WarningFlag.rule, WarningFlag.subject_key)
            .having(func.count() > 1)
        ).all()
    assert doubled == []
    # Whatever the interleaving, the state is the one a single run leaves.
    code, output = _finish(_start(world))
    assert code == 0, output
    assert " 0 raised, 0 closed" in output, output


def test_the_lock_is_held_once_and_released_with_the_run(world):
    engine = world.owner_database().engine
    with single_run(engine, "warnings evaluate") as first:
        other = world.owner_database().engine
        with single_run(other, "warnings evaluate") as second:
            assert (first, second) == (True, False)
        with single_run(other, "stats snapshot") as unrelated:
            assert unrelated
    with single_run(world.owner_database().engine, "warnings evaluate") as again:
        assert again
