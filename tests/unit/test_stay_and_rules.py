"""The stay arithmetic and the policy rules, without a database."""

import uuid
from datetime import date, timedelta

import pytest

from api.subsidies.rules import Person, PolicyKind, Terms, evaluate
from api.subsidies.stay import Continuity, Leave, Spell, add_months, completed_months, stays

SHANDONG = ("37",)
RULES = Continuity(max_gap_days=30, max_leave_days=45, area_prefixes=SHANDONG)
POOR = Person("lifted", "500237")
WUSHAN = {
    "stability": Terms(
        PolicyKind.MONTHLY,
        1000,
        months=6,
        cap=6000,
        poverty_statuses=frozenset({"registered_poor", "lifted"}),
        household_prefix="500237",
        destination_prefixes=SHANDONG,
        continuity=RULES,
    ),
    "adaptation": Terms(
        PolicyKind.MILESTONE,
        5000,
        months=6,
        poverty_statuses=frozenset({"lifted"}),
        household_prefix="500237",
        destination_prefixes=SHANDONG,
        channels=frozenset({"organized"}),
        continuity=RULES,
    ),
    "transport": Terms(
        PolicyKind.ON_TRANSFER,
        1500,
        household_prefix="500237",
        destination_prefixes=SHANDONG,
        continuity=RULES,
    ),
}


def spell(start, end=None, region="370602", channel="organized"):  # type: ignore[no-untyped-def]
    return Spell(uuid.uuid4(), start, end, region, channel)


def earned(spells, as_of, person=POOR, leaves=(), verified=frozenset()):  # type: ignore[no-untyped-def]
    found = stays(spells, leaves, RULES, as_of)
    return {
        name: evaluate(terms, person, found, set(verified)).earned for name, terms in WUSHAN.items()
    }


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2021, 3, 31), 6, date(2021, 9, 30)),
        (date(2021, 8, 31), 6, date(2022, 2, 28)),
        (date(2023, 8, 29), 6, date(2024, 2, 29)),
        (date(2021, 3, 1), 6, date(2021, 9, 1)),
    ],
)
def test_months_clamp_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_the_wushan_scenarios():
    stayed = [spell(date(2021, 3, 1))]
    assert earned(stayed, date(2021, 9, 1)) == {
        "stability": 6000,
        "adaptation": 5000,
        "transport": 1500,
    }
    # One day before the sixth month completes: the transfer grant only.
    assert earned(stayed, date(2021, 8, 31)) == {
        "stability": 0,
        "adaptation": 0,
        "transport": 1500,
    }
    left = [spell(date(2021, 3, 1), date(2021, 7, 15))]
    assert earned(left, date(2021, 12, 31)) == {"stability": 0, "adaptation": 0, "transport": 1500}
    # Still in post on the day the sixth month completes: it counts ("6个月以上" includes 6).
    last_day = [spell(date(2021, 3, 1), date(2021, 9, 1))]
    assert earned(last_day, date(2021, 12, 31))["stability"] == 6000
    one_short = [spell(date(2021, 3, 1), date(2021, 8, 31))]
    assert earned(one_short, date(2021, 12, 31))["stability"] == 0


def test_month_end_start_reaches_its_milestone_on_the_clamped_day():
    started = [spell(date(2021, 8, 31))]
    assert earned(started, date(2022, 2, 27))["stability"] == 0
    assert earned(started, date(2022, 2, 28))["stability"] == 6000


def test_monthly_cap_and_a_lower_threshold():
    three = Terms(PolicyKind.MONTHLY, 1000, months=3, cap=6000)
    found = stays([spell(date(2021, 1, 1))], [], RULES, date(2021, 3, 31))
    assert evaluate(three, POOR, found, set()).earned == 0  # 2 months
    for day, amount in [
        (date(2021, 4, 1), 3000),  # the first three months at once
        (date(2021, 5, 1), 4000),
        (date(2021, 7, 1), 6000),
        (date(2022, 7, 1), 6000),  # capped
    ]:
        found = stays([spell(date(2021, 1, 1))], [], RULES, day)
        assert evaluate(three, POOR, found, set()).earned == amount, day
    uneven = Terms(PolicyKind.MONTHLY, 1000, months=1, cap=2500)
    assert uneven.unit_amounts() == [1000, 1000, 500]


def test_a_move_within_the_area_keeps_the_stay_only_inside_the_allowed_gap():
    first = spell(date(2021, 3, 1), date(2021, 5, 31))
    inside = spell(date(2021, 7, 1), region="370702")  # 30 days off: 1-30 June
    assert earned([first, inside], date(2021, 9, 1))["stability"] == 6000
    outside = spell(date(2021, 7, 2), region="370702")  # 31 days off
    assert earned([first, outside], date(2021, 9, 1))["stability"] == 0
    elsewhere = spell(date(2021, 6, 5), region="440300")  # a move out of Shandong
    found = stays([first, elsewhere], [], RULES, date(2021, 9, 1))
    assert len(found) == 2


def test_holiday_leave_within_the_allowed_days_keeps_the_stay():
    work = spell(date(2021, 10, 1))
    within = [Leave(work.id, date(2022, 1, 20), date(2022, 3, 5))]  # 44 days away
    assert earned([work], date(2022, 4, 1), leaves=within)["stability"] == 6000
    beyond = [Leave(work.id, date(2022, 1, 20), date(2022, 3, 7))]  # 46 days
    assert earned([work], date(2022, 4, 1), leaves=beyond)["stability"] == 0
    # The late return starts a new stay: six months from 7 March.
    assert earned([work], date(2022, 9, 7), leaves=beyond)["stability"] == 6000
    still_away = [Leave(work.id, date(2022, 1, 20), None)]
    on_time = stays([work], still_away, RULES, date(2022, 3, 5))  # 45 days away so far
    assert on_time[0].ongoing and on_time[0].last_day == date(2022, 3, 5)
    overdue = stays([work], still_away, RULES, date(2022, 3, 6))  # 46
    assert overdue[0].last_day == date(2022, 1, 19) and not overdue[0].ongoing


def test_only_verified_months_count_where_verification_is_required():
    terms = Terms(PolicyKind.MILESTONE, 5000, months=3, requires_verification=True)
    found = stays([spell(date(2021, 3, 1))], [], RULES, date(2021, 7, 1))
    months = {date(2021, 3, 1), date(2021, 4, 1)}
    assert evaluate(terms, POOR, found, months).earned == 0
    assert evaluate(terms, POOR, found, months | {date(2021, 6, 1)}).earned == 5000
    result = evaluate(terms, POOR, found, months)
    # Projected: the next verified month completes on 1 Aug if they stay.
    assert [u.due_on for u in result.units] == [date(2021, 8, 1)]
    unverified = completed_months(found[0], limit=10)
    assert len(unverified) == 4


def test_eligibility_reasons():
    found = stays([spell(date(2021, 3, 1), channel="self_found")], [], RULES, date(2021, 9, 1))
    not_poor = evaluate(WUSHAN["adaptation"], Person("none", "500237"), found, set())
    assert not not_poor.eligible and not_poor.reasons == ["poverty_status"]
    other_county = evaluate(WUSHAN["transport"], Person("lifted", "500154"), found, set())
    assert other_county.reasons == ["household_county"]
    self_found = evaluate(WUSHAN["adaptation"], POOR, found, set())
    assert self_found.reasons == ["channel"]
    window = Terms(PolicyKind.ON_TRANSFER, 1500, transfer_from=date(2022, 1, 1))
    assert evaluate(window, POOR, found, set()).reasons == ["transfer_window"]
    assert evaluate(window, POOR, [], set()).reasons == ["no_placement"]


def test_next_milestone_and_its_day():
    found = stays([spell(date(2021, 3, 31))], [], RULES, date(2021, 5, 10))
    result = evaluate(WUSHAN["stability"], POOR, found, set())
    assert result.months == 1 and result.earned == 0
    assert result.next_due() == (date(2021, 9, 30), 6000)
    after = stays([spell(date(2021, 3, 31))], [], RULES, date(2021, 10, 1))
    assert evaluate(WUSHAN["stability"], POOR, after, set()).next_due() is None


@pytest.mark.parametrize(
    ("terms", "before", "at", "past"),
    [
        # one-time at transfer: nothing before the start day, the grant from it on
        (Terms(PolicyKind.ON_TRANSFER, 1500), 0, 1500, 1500),
        # one-time at 6 months
        (Terms(PolicyKind.MILESTONE, 5000, months=6), 0, 5000, 5000),
        # per month from 3 months, capped at 4 months' worth
        (Terms(PolicyKind.MONTHLY, 1000, months=3, cap=4000), 0, 3000, 4000),
    ],
)
def test_every_kind_before_at_and_past_its_threshold(terms, before, at, past):
    start = date(2024, 1, 31)
    threshold = max(terms.months, 0)
    due = add_months(start, threshold) if threshold else start

    def earned_on(day):  # type: ignore[no-untyped-def]
        found = stays([spell(start)], [], RULES, day)
        return evaluate(terms, POOR, found, set()).earned if found else 0

    assert earned_on(due - timedelta(days=1)) == before
    assert earned_on(due) == at
    assert earned_on(add_months(start, 12)) == past
