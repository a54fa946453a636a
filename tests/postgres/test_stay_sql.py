"""The nightly evaluation's stays computed by PostgreSQL (stay_repository) equal the
Python model's (`stay.stays`, the reference) on 10,000 generated histories: ten batches
of 1,000, each written with COPY and evaluated by one statement per batch.

Histories lean on the edges: spells starting on the 28th to 31st, leave spanning month
ends and just around the allowed days, gaps around the allowed gap, moves out of the
area, evaluation days at month and year ends (where the business clock turns the day)
and on 29 February. About one in fifty has overlapping records, which the statement must
hand back to the Python model rather than judge."""

import itertools
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.access import DataKind, operator_access
from api.subsidies.entitlements import Records, stays_in_sql
from api.subsidies.stay import Continuity, Leave, Spell, Stay, stays

pytestmark = pytest.mark.postgres_only

PER_BATCH = 1_000
REGIONS = ["370602", "370611", "500237", "510101"]
AS_OF_DAYS = [date(2024, 2, 29), date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31)]
NOW = "2026-01-01 00:00:00+00"
PLACEMENT_COLUMNS = (
    "id, tenant_id, laborer_id, version, employer_name, region_code, city, channel,"
    " started_on, ended_on, created_at, updated_at"
)
LEAVE_COLUMNS = (
    "id, tenant_id, placement_id, laborer_id, version, left_on, expected_return_on,"
    " returned_on, created_at, updated_at"
)
VERIFICATION_COLUMNS = (
    "id, tenant_id, placement_id, laborer_id, month, in_post, source, recorded_by_label,"
    " recorded_by_tenant, recorded_at"
)


def _day_near(rng: random.Random, as_of: date) -> date:
    """A day up to two years back, a month's end (28th to 31st) half the time."""
    day = as_of - timedelta(days=rng.randint(0, 730))
    if rng.random() < 0.5:
        first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        day = first_next - timedelta(days=rng.randint(1, 4))
    return day


def _leaves(rng: random.Random, spell: Spell, rules: Continuity, as_of: date) -> list[Leave]:
    out: list[Leave] = []
    day = spell.started_on + timedelta(days=rng.randint(-5, 120))
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        away = rules.max_leave_days + rng.choice((-3, 0, 1, 2, 40, -rules.max_leave_days))
        back = day + timedelta(days=max(0, away))
        if back > as_of + timedelta(days=5) or rng.random() < 0.1:
            out.append(Leave(spell.id, day, None))
            break
        out.append(Leave(spell.id, day, back))
        day = back + timedelta(days=rng.randint(0, 90))
    return out


def _history(rng: random.Random, rules: Continuity, as_of: date) -> Records:
    """Spells in order, one at a time (as the placements service keeps them), and
    rarely an overlap."""
    records = Records()
    day = _day_near(rng, as_of)
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        ended = None
        if rng.random() < 0.7:
            ended = day + timedelta(days=rng.randint(0, 400))
            ended = ended if ended <= as_of + timedelta(days=30) else None
        region = rng.choice(REGIONS)
        spell = Spell(uuid.uuid4(), day, ended, region, "organized")
        records.spells.append(spell)
        records.leaves.extend(_leaves(rng, spell, rules, as_of))
        if ended is None:
            break
        overlap = rng.random() < 0.02
        gap = rng.choice((0, 1, rules.max_gap_days, rules.max_gap_days + 1, 200))
        day = ended + timedelta(days=-3 if overlap else gap + 1)
    return records


@st.composite
def batches(draw: st.DrawFn) -> tuple[Continuity, date, dict[uuid.UUID, Records]]:
    """One batch: the rules, the evaluation day and 1,000 histories. A generator seeded by
    Hypothesis builds the histories (a thousand drawn one by one would overrun its buffer
    and take minutes to shrink)."""
    rules = Continuity(
        max_gap_days=draw(st.sampled_from((0, 15, 30))),
        max_leave_days=draw(st.sampled_from((0, 31, 45))),
        area_prefixes=draw(st.sampled_from(((), ("3706",), ("3706", "5002")))),
    )
    as_of = draw(st.sampled_from(AS_OF_DAYS))
    rng = random.Random(draw(st.integers(0, 2**32)))
    histories = {uuid.uuid4(): _history(rng, rules, as_of) for _ in range(PER_BATCH)}
    return rules, as_of, histories


@contextmanager
def _stored(
    session: Session,
    tenant_id: uuid.UUID,
    histories: dict[uuid.UUID, Records],
    not_in_post: dict[uuid.UUID, set[date]] | None = None,
) -> Iterator[None]:
    """The histories in placements, holiday_leaves and stay_verifications (their verified
    months in post, `not_in_post` months recorded as not), for one transaction. Their
    laborers are not written: foreign keys are off for this session (superuser)."""
    session.execute(text("SET LOCAL session_replication_role = replica"))
    raw = session.connection().connection.driver_connection
    assert raw is not None
    placements = [
        (s.id, tenant_id, laborer_id, 1, "e", s.region_code, "c", s.channel, s.started_on,
         s.ended_on, NOW, NOW)
        for laborer_id, records in histories.items()
        for s in records.spells
    ]  # fmt: skip
    leaves = [
        (uuid.uuid4(), tenant_id, v.placement_id, laborer_id, 1, v.left_on, v.left_on,
         v.returned_on, NOW, NOW)
        for laborer_id, records in histories.items()
        for v in records.leaves
    ]  # fmt: skip
    absent = not_in_post or {}
    verifications = [
        (uuid.uuid4(), tenant_id, records.spells[0].id, laborer_id, month, in_post, "employer",
         "t", tenant_id, NOW)
        for laborer_id, records in histories.items()
        for in_post, months in ((True, records.verified), (False, absent.get(laborer_id, ())))
        for month in months
    ]  # fmt: skip
    with raw.cursor() as cursor:
        for table, columns, rows in (
            ("placements", PLACEMENT_COLUMNS, placements),
            ("holiday_leaves", LEAVE_COLUMNS, leaves),
            ("stay_verifications", VERIFICATION_COLUMNS, verifications),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    try:
        yield
    finally:
        session.rollback()


def _overlaps(records: Records) -> bool:
    spells = sorted(records.spells, key=lambda s: (s.started_on, s.id))
    for before, after in itertools.pairwise(spells):
        if before.ended_on is None or after.started_on <= before.ended_on:
            return True
    leaves = sorted(records.leaves, key=lambda v: (v.placement_id, v.left_on))
    return any(
        a.placement_id == b.placement_id and (a.returned_on is None or b.left_on <= a.returned_on)
        for a, b in itertools.pairwise(leaves)
    )


def _shape(found: list[Stay]) -> list[tuple[object, ...]]:
    return [
        (s.first.id, s.started_on, s.last_day, s.ongoing, [p.id for p in s.spells]) for s in found
    ]


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
@given(batch=batches())
def test_stays_in_sql_equal_the_python_model(world, batch) -> None:  # type: ignore[no-untyped-def]
    rules, as_of, histories = batch
    tenant_id = world.orgs["wushan"]
    span = (uuid.UUID(int=0), uuid.UUID(int=(1 << 128) - 1))
    with world.superuser_session() as session, _stored(session, tenant_id, histories):
        access = operator_access(session, tenant_id, read=[DataKind.PLACEMENT])
        computed = stays_in_sql(session, access, span, [rules], histories, as_of)
    left_out = 0
    for laborer_id, records in histories.items():
        if laborer_id not in computed and _overlaps(records):
            left_out += 1  # for the Python model, as the evaluation does
            continue
        expected = stays(records.spells, records.leaves, rules, as_of)
        got = computed.get(laborer_id, {}).get(rules, [])
        assert _shape(got) == _shape(expected), (records, rules, as_of)
    assert 0 < left_out < PER_BATCH // 10
