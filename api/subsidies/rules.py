"""What a subsidy policy owes one laborer: eligibility, the stay it counts, and each unit
of money with the day it falls due. Pure: the same answer from the nightly evaluation,
a laborer's page and a claim.

Kinds (the amounts are the policy's, in whole yuan):
  on_transfer  one amount when the stay starts;
  milestone    one amount once `months` months are counted;
  monthly      `amount` per counted month once `months` are reached, at most `cap`:
               unit k (the k-th month) falls due when max(k, months) months are counted.
"N个月以上" includes N.

The cap holds per person across all their stays: the policy pays for the stay that
earns the most, and whatever live claims already hold (for any stay, under any version)
counts toward it (`within_cap`). The channel and destination a policy asks for are judged
on the placement that qualifies: a stay joined across a job change counts from its first
qualifying placement (`qualifying_part`), so moving sooner into such a job never loses
money.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from api.subsidies.stay import (
    Continuity,
    Spell,
    Stay,
    completed_months,
    elapsed_months,
    projected_day,
)
from shared_models.enums import PolicyKind

MAX_MONTHS = 120  # a monthly policy without a cap stops counting here


@dataclass(frozen=True, slots=True)
class Terms:
    kind: PolicyKind
    amount: int
    months: int = 0
    cap: int | None = None
    poverty_statuses: frozenset[str] = frozenset()  # empty: anyone
    household_prefix: str | None = None  # the laborer's registered county (or province)
    destination_prefixes: tuple[str, ...] = ()  # where the job is; empty: anywhere
    channels: frozenset[str] = frozenset()  # empty: any
    transfer_from: date | None = None
    transfer_until: date | None = None
    continuity: Continuity = field(default_factory=Continuity)
    requires_verification: bool = False

    def unit_amounts(self) -> list[int]:
        if self.kind is not PolicyKind.MONTHLY:
            return [self.amount]
        cap = self.cap if self.cap is not None else self.amount * MAX_MONTHS
        count = -(-cap // self.amount)  # ceiling
        return [min(self.amount, cap - self.amount * i) for i in range(count)]

    @property
    def ceiling(self) -> int:
        """The most the policy pays one person, across all their stays."""
        return sum(self.unit_amounts())

    def months_for_unit(self, unit: int) -> int:
        """Counted months needed for unit `unit` (1-based); 0 for the transfer grant."""
        if self.kind is PolicyKind.ON_TRANSFER:
            return 0
        if self.kind is PolicyKind.MILESTONE:
            return self.months
        return max(unit, self.months)


@dataclass(frozen=True, slots=True)
class Person:
    poverty_status: str
    region_code: str


@dataclass(frozen=True, slots=True)
class Unit:
    number: int
    amount: int
    due_on: date  # when it fell (or, if not earned yet, will fall) due
    earned: bool


@dataclass(slots=True)
class Result:
    eligible: bool
    reasons: list[str] = field(default_factory=list)  # why not, or why not yet
    stay: Stay | None = None
    months: int = 0
    units: list[Unit] = field(default_factory=list)

    @property
    def earned(self) -> int:
        return sum(u.amount for u in self.units if u.earned)

    @property
    def total(self) -> int:
        return sum(u.amount for u in self.units)

    def next_due(self) -> tuple[date, int] | None:
        """The next day money falls due if the laborer stays, and how much."""
        ahead = [u for u in self.units if not u.earned]
        if not ahead or self.stay is None or not self.stay.ongoing:
            return None
        day = min(u.due_on for u in ahead)
        return day, sum(u.amount for u in ahead if u.due_on == day)


def _person_reasons(terms: Terms, person: Person) -> list[str]:
    reasons = []
    if terms.poverty_statuses and person.poverty_status not in terms.poverty_statuses:
        reasons.append("poverty_status")
    if terms.household_prefix and not person.region_code.startswith(terms.household_prefix):
        reasons.append("household_county")
    return reasons


def _spell_reasons(terms: Terms, spell: Spell) -> list[str]:
    reasons = []
    if terms.destination_prefixes and not spell.region_code.startswith(terms.destination_prefixes):
        reasons.append("destination")
    if terms.channels and spell.channel not in terms.channels:
        reasons.append("channel")
    return reasons


def qualifying_part(terms: Terms, stay: Stay) -> tuple[Stay | None, list[str]]:
    """The stay from its first placement whose channel and place the policy accepts (the
    whole stay when that is its first), and why not when none is. The transfer window is
    judged on the day that part starts."""
    for index, spell in enumerate(stay.spells):
        if _spell_reasons(terms, spell):
            continue
        part = stay
        if index:
            start = max(spell.started_on, stay.started_on)
            part = Stay(spell, start, stay.last_day, stay.ongoing, stay.spells[index:])
        if (terms.transfer_from and part.started_on < terms.transfer_from) or (
            terms.transfer_until and part.started_on > terms.transfer_until
        ):
            return None, ["transfer_window"]
        return part, []
    return None, _spell_reasons(terms, stay.first)


def _for_stay(terms: Terms, stay: Stay, verified: set[date]) -> Result:
    amounts = terms.unit_amounts()
    needed = max(terms.months_for_unit(n) for n in range(1, len(amounts) + 1))
    counted = completed_months(
        stay, limit=needed, verified=verified if terms.requires_verification else None
    )
    units = []
    elapsed = elapsed_months(stay) if len(counted) < needed else needed
    for number, amount in enumerate(amounts, start=1):
        months = terms.months_for_unit(number)
        if months == 0:
            units.append(Unit(number, amount, stay.started_on, True))
        else:
            earned = len(counted) >= months
            day = projected_day(stay, counted, months, elapsed)
            units.append(Unit(number, amount, day, earned))
    result = Result(True, [], stay, len(counted), units)
    if not stay.ongoing and result.earned < result.total:
        result.reasons.append("left_before_milestone")
    return result


def evaluate(
    terms: Terms,
    person: Person,
    stays: Sequence[Stay],
    verified: set[date],
) -> Result:
    """Of the stays that qualify, the one that earns the most (then the one still running,
    then the latest) is the one the policy pays for; money already claimed for another
    stay is not owed again (claims are unique per policy, laborer and unit, and
    `within_cap` keeps their total under the cap)."""
    reasons = _person_reasons(terms, person)
    if reasons:
        return Result(False, reasons)
    if not stays:
        return Result(False, ["no_placement"])
    judged = [qualifying_part(terms, s) for s in stays]
    qualifying = [part for part, _ in judged if part is not None]
    if not qualifying:
        return Result(False, judged[-1][1], stays[-1])
    results = [_for_stay(terms, s, verified) for s in qualifying]
    return max(results, key=_best_stay)


def within_cap(units: Sequence[Unit], held: int, ceiling: int) -> list[Unit]:
    """The units that may be claimed now when live claims already hold `held` yuan: in
    order, the last one cut, so that everything claimed never passes the cap."""
    room = ceiling - held
    out = []
    for unit in units:
        if room <= 0:
            break
        out.append(replace(unit, amount=min(unit.amount, room)))
        room -= out[-1].amount
    return out


def overpaid(result: Result, paid: int) -> int:
    """Yuan paid beyond what the records now say was earned (after a correction): shown
    and flagged, never netted into a negative."""
    return max(0, paid - (result.earned if result.eligible else 0))


def _best_stay(result: Result) -> tuple[int, bool, date]:
    """The stay that earns most; of equals, the ongoing, then the latest one (every
    result `_for_stay` makes keeps the stay it judged)."""
    stay = result.stay
    return (result.earned, bool(stay and stay.ongoing), stay.started_on if stay else date.min)
