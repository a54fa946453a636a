"""The reads of rows under a fair take the fair the caller loaded, and check it against
the caller's context before any query: a fair of another pairing, or of an organizer
whose events the caller does not read, is refused (tests/api/test_fairs.py has the rest)."""

import uuid

import pytest

from api.access import AccessContext, DataKind
from api.fairs import repository
from shared_models import Fair
from shared_models.enums import OrgKind, Role

ORGANIZER, PAIRING = uuid.uuid4(), uuid.uuid4()


def _caller(*, pairing: uuid.UUID, reads_events_of: uuid.UUID) -> AccessContext:
    return AccessContext(
        tenant_id=uuid.uuid4(),
        tenant_kind=OrgKind.SENDING,
        tenant_name="county",
        tenant_region_code="500237",
        user_id=None,
        actor_label="test",
        role=Role.VIEWER,
        permissions=frozenset(),
        readable={DataKind.EVENT: frozenset({reads_events_of})},
        writable={},
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
