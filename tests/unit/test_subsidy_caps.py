"""The cap per person across stays, overpayment, and the channel judged on the placement
that qualifies: pure rules, no database."""

import uuid
from datetime import date

from api.subsidies.rules import Person, PolicyKind, Terms, Unit, evaluate, overpaid, within_cap
from api.subsidies.stay import Continuity, Spell, stays

RULES = Continuity(max_gap_days=30, max_leave_days=45, area_prefixes=("37",))
POOR = Person("lifted", "500237")
STABILITY = Terms(PolicyKind.MONTHLY, 1000, months=6, cap=6000, continuity=RULES)
ADAPTATION = Terms(
    PolicyKind.MILESTONE, 5000, months=6, channels=frozenset({"organized"}), continuity=RULES
)


def spell(start, end=None, channel="organized", region="370602"):  # type: ignore[no-untyped-def]
    return Spell(uuid.uuid4(), start, end, region, channel)


def judged(terms, spells, as_of):  # type: ignore[no-untyped-def]
    return evaluate(terms, POOR, stays(spells, [], RULES, as_of), set())


def test_the_cap_holds_across_two_stays():
    # First stay 1 Mar – 30 Sep 2021 (paid 6,000), then 46 days off, then 8 months.
    first = spell(date(2021, 3, 1), date(2021, 9, 30))
    second = spell(date(2021, 11, 16))
    as_of = date(2022, 7, 16)
    assert len(stays([first, second], [], RULES, as_of)) == 2
    result = judged(STABILITY, [first, second], as_of)
    assert result.earned == 6000 and result.stay.started_on == date(2021, 11, 16)
    not_held = [u for u in result.units if u.earned and u.number not in {1, 2, 3, 4, 5, 6}]
    assert within_cap(not_held, 6000, STABILITY.ceiling) == []
    # A later version paying 500 a month up to the same cap numbers its units 1..12:
    # units 7 and 8 are new numbers, but the 6,000 already held fills the cap.
    halves = Terms(PolicyKind.MONTHLY, 500, months=6, cap=6000, continuity=RULES)
    result = judged(halves, [first, second], as_of)
    fresh = [u for u in result.units if u.earned and u.number > 6]
    assert [u.number for u in fresh] == [7, 8]
    assert within_cap(fresh, 6000, halves.ceiling) == []


def test_within_cap_cuts_the_last_unit_and_keeps_order():
    units = [Unit(n, 1000, date(2021, 9, 1), True) for n in (5, 6, 7)]
    cut = within_cap(units, 4500, 6000)
    assert [(u.number, u.amount) for u in cut] == [(5, 1000), (6, 500)]
    assert within_cap(units, 0, 6000) == units
    assert within_cap(units, 7000, 6000) == []
    assert ADAPTATION.ceiling == 5000 and STABILITY.ceiling == 6000
    assert Terms(PolicyKind.ON_TRANSFER, 1500).ceiling == 1500


def test_overpayment_after_a_correction_is_positive_never_negative():
    # Paid 6,000 for a stay later corrected to four months: 6,000 overpaid.
    corrected = judged(STABILITY, [spell(date(2021, 3, 1), date(2021, 6, 30))], date(2021, 12, 1))
    assert corrected.earned == 0
    assert overpaid(corrected, 6000) == 6000
    stayed = judged(STABILITY, [spell(date(2021, 3, 1))], date(2021, 12, 1))
    assert overpaid(stayed, 6000) == 0 and overpaid(stayed, 0) == 0
    # No longer eligible at all (the channel corrected): everything paid is over.
    self_found = judged(
        ADAPTATION, [spell(date(2021, 3, 1), channel="self_found")], date(2022, 1, 1)
    )
    assert not self_found.eligible and overpaid(self_found, 5000) == 5000


def test_self_found_then_organized_within_the_gap_counts_from_the_organized_start():
    self_found = spell(date(2021, 3, 1), date(2021, 5, 31), channel="self_found")
    organized = spell(date(2021, 6, 10))  # 9 days later: the same stay
    both = [self_found, organized]
    assert len(stays(both, [], RULES, date(2021, 12, 10))) == 1
    # Any channel: from the first day of the stay.
    assert judged(STABILITY, both, date(2021, 9, 1)).earned == 6000
    # Organized only: from 10 June, not refused for the self-found start.
    before = judged(ADAPTATION, both, date(2021, 12, 9))
    assert before.eligible and before.earned == 0 and before.reasons == []
    assert before.next_due() == (date(2021, 12, 10), 5000)
    on_time = judged(ADAPTATION, both, date(2021, 12, 10))
    assert on_time.earned == 5000
    assert (on_time.stay.first.id, on_time.stay.started_on) == (organized.id, date(2021, 6, 10))
    # Moving sooner into the organized job never loses money: the same as starting there.
    alone = judged(ADAPTATION, [organized], date(2021, 12, 10))
    assert [(u.due_on, u.amount) for u in alone.units] == [
        (u.due_on, u.amount) for u in on_time.units
    ]


def test_organized_then_self_found_keeps_the_whole_stay():
    organized = spell(date(2021, 3, 1), date(2021, 5, 31))
    self_found = spell(date(2021, 6, 10), channel="self_found")
    assert judged(ADAPTATION, [organized, self_found], date(2021, 9, 1)).earned == 5000


def test_the_transfer_window_is_judged_on_the_qualifying_part():
    windowed = Terms(
        PolicyKind.ON_TRANSFER,
        1500,
        channels=frozenset({"organized"}),
        transfer_from=date(2021, 6, 1),
        continuity=RULES,
    )
    both = [
        spell(date(2021, 3, 1), date(2021, 5, 31), channel="self_found"),
        spell(date(2021, 6, 10)),
    ]
    assert judged(windowed, both, date(2021, 7, 1)).earned == 1500
    early = [spell(date(2021, 3, 1))]
    assert judged(windowed, early, date(2021, 7, 1)).reasons == ["transfer_window"]
    never = [spell(date(2021, 7, 1), channel="self_found")]
    assert judged(windowed, never, date(2021, 8, 1)).reasons == ["channel"]
