"""The reads of rows under a fair take the fair the caller loaded, and check it against
the caller's context before any query: a fair of another pairing, or of an organizer
whose events the caller does not read, is refused (tests/api/test_fairs.py has the rest)."""

import uuid
from dataclasses import replace

import pytest

from api.access import AccessContext, DataKind
from api.fairs import repository
from api.jobs.runner import jobs_access
from shared_models import Fair

ORGANIZER, PAIRING = uuid.uuid4(), uuid.uuid4()


def _caller(*, pairing: uuid.UUID, reads_events_of: uuid.UUID) -> AccessContext:
    # Any context will do; only what it reads and its pairings matter here.
    return replace(
        jobs_access(frozenset()),
        readable={DataKind.EVENT: frozenset({reads_events_of})},
        pairing_ids=frozenset({pairing}),
    )


@pytest.mark.parametrize(
    "caller",
    [
        _caller(pairing=uuid.uuid4(), reads_events_of=ORGANIZER),  # another pairing
        _caller(pairing=PAIRING, reads_events_of=uuid.uuid4()),  # not the organizer's events
    ],
)
def test_a_fair_the_caller_cannot_see_is_refused_before_any_query(caller):
    fair = Fair(id=uuid.uuid4(), tenant_id=ORGANIZER, pairing_id=PAIRING)
    session = None  # never reached: the check comes first
    reads = [
        lambda: repository.employers(session, caller, fair),
        lambda: repository.registrations(session, caller, fair),
        lambda: repository.counts(session, caller, fair),
        lambda: repository.registered(session, caller, fair, ["h"]),
        lambda: repository.fair_vacancy_ids(session, caller, fair),
    ]
    for read in reads:
        with pytest.raises(PermissionError, match="not one the caller reads"):
            read()
