"""Stay in post, computed from the records, never typed.

A stay is a run of employment spells that counts as one: a move to another employer
within the receiving area with a gap of at most `max_gap_days`, or a holiday leave of at
most `max_leave_days`, keeps it going; anything longer ends it (a late return starts a
new stay on the day of return). The N-th month of a stay is complete on its start date
plus N calendar months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb), if
the stay still runs that day. Where verification is required, a month counts only when
the calendar month in which it ends was verified in post.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=65_536)
def add_months(day: date, months: int) -> date:
    # relativedelta is exact but slow; the nightly run asks the same few thousand
    # (start day, N) pairs millions of times.
    return day + relativedelta(months=months)


def month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True, slots=True)
class Spell:
    id: uuid.UUID
    started_on: date
    ended_on: date | None  # the last day in post; None while it lasts
    region_code: str
    channel: str


@dataclass(frozen=True, slots=True)
class Leave:
    placement_id: uuid.UUID
    left_on: date  # the first day away
    returned_on: date | None  # the first day back; None while away


@dataclass(frozen=True, slots=True)
class Continuity:
    max_gap_days: int = 30
    max_leave_days: int = 45
    area_prefixes: tuple[str, ...] = ()  # a move keeps the stay only within these; () = any


@dataclass(frozen=True, slots=True)
class Calendar:
    """A stay's months as PostgreSQL computed them (stay_repository): the day each month
    completes, in order, through the stay's last day, and whether the calendar month it
    ends in was verified in post. Equal to what `completed_months` works out
    (tests/postgres/test_calendar_sql.py)."""

    days: list[date]
    verified: list[bool]


@dataclass(slots=True)
class Stay:
    first: Spell  # the spell it started with: its channel and place decide eligibility
    started_on: date
    last_day: date  # in post through this day (the evaluation day while it lasts)
    ongoing: bool
    spells: list[Spell] = field(default_factory=list)
    calendar: Calendar | None = None  # computed by the database; None: worked out here


def _in_area(spell: Spell, rules: Continuity) -> bool:
    return not rules.area_prefixes or spell.region_code.startswith(rules.area_prefixes)


def _segments(
    spell: Spell, leaves: Sequence[Leave], rules: Continuity, as_of: date
) -> list[tuple[date, date, bool]]:
    """The spell cut by leaves too long to bridge: (first day, last day, continues the
    previous segment if the gap allows)."""
    end = min(spell.ended_on or as_of, as_of)
    out: list[tuple[date, date, bool]] = []
    start, joins = spell.started_on, True
    for leave in sorted(leaves, key=lambda v: v.left_on):
        if leave.left_on > end or leave.left_on < start:
            continue
        back = leave.returned_on
        away_days = ((back or as_of + ONE_DAY) - leave.left_on).days
        if away_days <= rules.max_leave_days:
            continue  # a holiday within the allowed days: the stay runs on
        out.append((start, leave.left_on - ONE_DAY, joins))
        if back is None or back > end:
            return [s for s in out if s[0] <= s[1]]
        start, joins = back, False
    out.append((start, end, joins))
    return [s for s in out if s[0] <= s[1]]


def stays(
    spells: Iterable[Spell], leaves: Iterable[Leave], rules: Continuity, as_of: date
) -> list[Stay]:
    """Every stay of one laborer up to `as_of`, in order."""
    by_placement: dict[uuid.UUID, list[Leave]] = {}
    for leave in leaves:
        by_placement.setdefault(leave.placement_id, []).append(leave)
    out: list[Stay] = []
    for spell in sorted(spells, key=lambda s: (s.started_on, s.id)):
        if spell.started_on > as_of:
            continue
        for first_day, last_day, joins in _segments(
            spell, by_placement.get(spell.id, ()), rules, as_of
        ):
            current = out[-1] if out else None
            gap = (first_day - current.last_day).days - 1 if current else None
            if (
                current is not None
                and joins
                and gap is not None
                and gap <= rules.max_gap_days
                and _in_area(spell, rules)
            ):
                current.last_day = max(current.last_day, last_day)
                if spell not in current.spells:
                    current.spells.append(spell)
            else:
                out.append(Stay(spell, first_day, last_day, False, [spell]))
    for stay in out:
        last = stay.spells[-1]
        stay.ongoing = stay.last_day == as_of and (last.ended_on is None or last.ended_on >= as_of)
    return out


def completed_months(
    stay: Stay,
    *,
    limit: int,
    verified: set[date] | None = None,
) -> list[date]:
    """The days on which each counted month of the stay completed, up to `limit` of them.
    With `verified` (calendar months verified in post), only those months count."""
    if stay.calendar is not None:
        days = stay.calendar.days
        if verified is not None:
            days = [day for day, ok in zip(days, stay.calendar.verified, strict=True) if ok]
        return days[:limit]
    out: list[date] = []
    n = 0
    while len(out) < limit:
        n += 1
        day = add_months(stay.started_on, n)
        if day > stay.last_day:
            break
        if verified is not None and month_of(day - ONE_DAY) not in verified:
            continue
        out.append(day)
    return out


def elapsed_months(stay: Stay) -> int:
    """Whole months the stay has run, counted or not."""
    if stay.calendar is not None:
        return len(stay.calendar.days)
    elapsed = 0
    while add_months(stay.started_on, elapsed + 1) <= stay.last_day:
        elapsed += 1
    return elapsed


def projected_day(stay: Stay, counted: list[date], wanted: int, elapsed: int) -> date:
    """When the `wanted`-th counted month would complete if the laborer stays (and, where
    verification is required, every month from now on is verified); `elapsed` is
    `elapsed_months(stay)`."""
    if wanted <= len(counted):
        return counted[wanted - 1]
    return add_months(stay.started_on, elapsed + wanted - len(counted))
