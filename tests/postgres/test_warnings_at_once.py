"""Two judgements of one county's flags at once (the nightly command and an event's
after-commit job) raise a flag once: the second waits for the first (rules.evaluate
takes the county's advisory lock) instead of failing on `uq_warning_flags_open`."""

import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import delete

from api.warnings import rules
from shared_models import WarningFlag
from tests.api.test_warnings import _county, _flags, _laborer, _placement
from tests.fixtures.jobs import wait_for_queued_jobs

pytestmark = pytest.mark.postgres_only


def test_two_evaluations_at_once_raise_one_flag(world, login):
    laborer = _laborer(login)
    laborer_id = uuid.UUID(laborer["id"])
    _placement(login, laborer["id"], started_on="2026-01-10")
    wait_for_queued_jobs(world)
    with world.superuser_session() as session:  # as if the flag had never been judged
        session.execute(delete(WarningFlag).where(WarningFlag.laborer_id == laborer_id))
        session.commit()
    together = threading.Barrier(2)
    outcomes: list[object] = []

    def judge() -> None:
        try:
            with _county(world) as (session, access):
                together.wait()
                outcome = rules.evaluate(
                    session, access, access.tenant_id, date(2026, 6, 1), [laborer_id]
                )
                session.flush()
                time.sleep(0.5)  # the other's reads fall inside this transaction
            outcomes.append(outcome.raised)
        except Exception as error:  # the test reports it
            outcomes.append(error)

    threads = [threading.Thread(target=judge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, outcomes)) == ["0", "1"], outcomes
    assert _flags(world, laborer["id"]) == [("unverified", "open")]
