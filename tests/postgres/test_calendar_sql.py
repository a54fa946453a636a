"""The nightly evaluation's months computed by PostgreSQL (each stay's calendar from
stay_repository: the start plus n calendar months clamped to the month's end, through the
stay's last day, and whether the month each ends in was verified in post) give what the
Python model works out (`stay.completed_months` and `elapsed_months`, the reference),
and so the same units, due days, earned money and next due under `rules.evaluate`, on
10,000 generated histories: the generator of test_stay_sql (starts on the 28th to 31st,
evaluation days on month ends and 29 February) with verified months around each stay,
and months recorded as not in post, which must not count."""

import random
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.access import DataKind, operator_access
from api.subsidies.entitlements import Records, stays_in_sql
from api.subsidies.rules import Person, Result, Terms, evaluate
from api.subsidies.stay import Stay, completed_months, elapsed_months, month_of
from shared_models.enums import PolicyKind
from tests.postgres.test_stay_sql import PER_BATCH, _stored, batches

pytestmark = pytest.mark.postgres_only

PERSON = Person("lifted", "500237")
TERMS = [
    Terms(PolicyKind.MONTHLY, 1000, months=6, cap=6000, requires_verification=True),
    Terms(PolicyKind.MONTHLY, 300, months=2, cap=None),
    Terms(PolicyKind.MILESTONE, 5000, months=3, requires_verification=True),
    Terms(PolicyKind.MILESTONE, 5000, months=6),
    Terms(PolicyKind.ON_TRANSFER, 1500),
]
LIMITS = (1, 3, 6, 12, 120)


def _months(rng: random.Random, records: Records, as_of: date) -> tuple[set[date], set[date]]:
    """Months from the first spell's to the evaluation day's: about two in three
    verified in post, a few recorded as not in post."""
    first = min(s.started_on for s in records.spells)
    verified: set[date] = set()
    absent: set[date] = set()
    month = month_of(first - timedelta(days=31))
    while month <= as_of:
        draw = rng.random()
        if draw < 0.65:
            verified.add(month)
        elif draw < 0.75:
            absent.add(month)
        month = month_of(month + timedelta(days=32))
    return verified, absent


def _said(result: Result) -> tuple[object, ...]:
    return (result.eligible, result.reasons, result.months, result.units, result.next_due())


@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(batch=batches(), seed=st.integers(0, 2**32))
def test_calendar_in_sql_equals_the_python_model(world, batch, seed) -> None:  # type: ignore[no-untyped-def]
    rules, as_of, histories = batch
    rng = random.Random(seed)
    absent: dict[uuid.UUID, set[date]] = {}
    for laborer_id, records in histories.items():
        records.verified, absent[laborer_id] = _months(rng, records, as_of)
    tenant_id = world.orgs["wushan"]
    span = (uuid.UUID(int=0), uuid.UUID(int=(1 << 128) - 1))
    with world.superuser_session() as session, _stored(session, tenant_id, histories, absent):
        access = operator_access(session, tenant_id, read=[DataKind.PLACEMENT])
        computed = stays_in_sql(
            session, access, span, [rules], histories, as_of, calendar=True, verified=True
        )
    compared = 0
    for laborer_id, found in computed.items():
        verified = histories[laborer_id].verified
        for stay in found[rules]:
            assert stay.calendar is not None
            reference: Stay = replace(stay, calendar=None)
            assert elapsed_months(stay) == elapsed_months(reference), (stay, as_of)
            for limit in LIMITS:
                for months in (None, verified):
                    got = completed_months(stay, limit=limit, verified=months)
                    expected = completed_months(reference, limit=limit, verified=months)
                    assert got == expected, (stay, limit, months, as_of)
            for terms in TERMS:
                got_result = evaluate(terms, PERSON, [stay], verified)
                expected_result = evaluate(terms, PERSON, [reference], verified)
                assert _said(got_result) == _said(expected_result), (stay, terms, as_of)
            compared += 1
    assert compared > PER_BATCH // 2
