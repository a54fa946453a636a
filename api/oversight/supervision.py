"""A supervising organization's figures: its bureaus' aggregates, suppressed (issue 13).

A supervisor reads no person's record, so nothing is counted under its own view. Each
bureau's figures are computed live under that bureau's own view (the system access the
nightly snapshots use: it reads what the bureau reads), and only the counts leave it;
the caller's context is put back before anything else happens.

Every figure here crosses tenants, so it is suppressed before it is shown (the rule is
in docs/oversight.md, "Suppression"):

- primary: a count from 1 to 4 is withheld and shown as "<5" (0 stays 0);
- secondary: a table's rows and columns add up to their totals, and a line (cells and
  total) with exactly one withheld entry would give it away by subtraction, so the
  smallest other non-zero entry of that line is withheld too ("×"), until no line has
  exactly one;
- a rate is withheld when its numerator or denominator is; sums of money are not
  counts of people and are not suppressed.
"""

import uuid
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from api.access import AccessContext, snapshot_system_access
from api.db import apply_access
from api.errors import FieldError, ValidationFailed
from api.i18n import _
from api.oversight import service
from api.oversight.indicators import Indicator, Measure, Unit
from api.oversight.periods import Period, PeriodKind, periods_between
from api.tenancy import service as tenancy
from shared_models.enums import PairingMetric

SMALL = "small"  # a count from 1 to 4: shown as "<5"
COMPLEMENT = "complement"  # withheld so that a "<5" cannot be worked out from a total
THRESHOLD = 5

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    """A figure as the supervisor may see it: `value` is None when withheld."""

    value: int | float | None
    suppressed: str | None = None  # SMALL, COMPLEMENT or None

    @property
    def shown(self) -> str | None:
        """The mark in place of a withheld value: "<5" or "×"."""
        if self.suppressed == SMALL:
            return "<5"
        if self.suppressed == COMPLEMENT:
            return "×"
        return None


def small(n: int | float | None) -> bool:
    return n is not None and 0 < n < THRESHOLD


def suppress(values: dict[K, int], lines: list[list[K]]) -> dict[K, str]:
    """Which entries of an additive table to withhold, and why.

    `lines` are the sets of entries bound by a sum (a row's cells with the row's total,
    a column's with its total). Primary: every count from 1 to 4. Secondary: while a
    line holds exactly one withheld entry, the smallest other non-zero entry of that
    line is withheld too (ties by position, so the result is stable)."""
    out: dict[K, str] = {k: SMALL for k, v in values.items() if small(v)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [k for k in line if k in out]
            if len(hidden) != 1:
                continue
            others = [(values[k], i, k) for i, k in enumerate(line) if k not in out and values[k]]
            if others:
                out[min(others)[2]] = COMPLEMENT
                changed = True
    return out


# --- the bureaus --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bureau:
    id: uuid.UUID
    name: str


def bureaus(session: Session, access: AccessContext) -> list[Bureau]:
    """The bureaus this organization supervises, by name."""
    found = [
        Bureau(o.id, o.name)
        for o in tenancy.visible_organizations(session, access)
        if o.id in access.supervised_ids
    ]
    return sorted(found, key=lambda b: b.name)


@contextmanager
def as_bureau(
    session: Session, access: AccessContext, bureau_id: uuid.UUID
) -> Iterator[AccessContext]:
    """The bureau's own view for the duration of the block (row security included);
    the caller's is back afterwards, whatever happens. Only plain numbers may leave."""
    if bureau_id not in access.supervised_ids:
        raise ValueError("not a supervised bureau")  # a programming error, never input
    system = snapshot_system_access(session, bureau_id)
    apply_access(session, system)
    try:
        yield system
    finally:
        apply_access(session, access)


# --- an indicator across the bureaus -------------------------------------------------------

SPAN = "span"  # the row of the whole range [start, end]
TOTAL = "total"  # the column of all the bureaus


@dataclass(frozen=True)
class Row:
    period: Period | None  # None for the whole range
    start: date
    end: date
    cells: list[Cell]  # one per bureau, in `Grid.bureaus` order
    total: Cell
    numerators: list[Cell] = field(default_factory=list)  # a rate's, per bureau then total
    denominators: list[Cell] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    """An indicator for each bureau (columns) and period (rows), with the totals over
    the bureaus and the whole range, all suppressed together."""

    indicator: Indicator
    bureaus: list[Bureau]
    rows: list[Row]  # one per period (empty without a period kind)
    span: Row  # the whole range: what the bar chart by bureau shows


Key = tuple[int | str, int | str]


def grid(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date,
    kind: PeriodKind | None = None,
) -> Grid:
    """`code` for each supervised bureau over [start, end] (up to today), and with
    `kind` for each period of that kind touching it; suppressed across the whole grid."""
    found = service.indicator(code)
    service.check_dates(start, end)
    last = min(end, today)
    periods = periods_between(kind, start, last) if kind is not None and start <= today else []
    if len(periods) > service.MAX_PERIODS:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "period",
                    _("At most {limit} periods at once: shorten the dates or take longer periods."),
                    "too_many_periods",
                    {"limit": service.MAX_PERIODS},
                )
            ]
        )
    shown = bureaus(session, access)
    # Raw figures per (row, column): row an index into `periods` or SPAN.
    num: dict[Key, int] = {}
    den: dict[Key, int] = {}
    for c, bureau in enumerate(shown):
        if start > today:
            num[SPAN, c] = den[SPAN, c] = 0
            continue
        # Every period and the whole range in one grouped statement per figure.
        keys: list[int | str] = [*range(len(periods)), SPAN]
        bounds = [(p.start, min(p.end, today)) for p in periods] + [(start, last)]
        with as_bureau(session, access, bureau.id) as system:
            figures = service.statistics(session, system, code, bounds, today=today)
        for key, v in zip(keys, figures, strict=True):
            num[key, c], den[key, c] = v.numerator, v.denominator or 0
    row_keys: list[int | str] = [*range(len(periods)), SPAN]
    columns: list[int | str] = [*range(len(shown)), TOTAL]
    for r in row_keys:
        num[r, TOTAL] = sum(num[r, c] for c in range(len(shown)))
        den[r, TOTAL] = sum(den[r, c] for c in range(len(shown)))
    lines: list[list[Key]] = [[(r, c) for c in columns] for r in row_keys]
    if found.measure is Measure.FLOW and periods:
        # Flows add up over the periods to the whole range (a stock does not).
        lines += [[*((r, c) for r in range(len(periods))), (SPAN, c)] for c in columns]
    counts = found.unit is not Unit.YUAN
    num_hidden = suppress(num, lines) if counts else {}
    den_hidden = suppress(den, lines) if found.is_rate else {}

    def cell(key: Key) -> Cell:
        reason = num_hidden.get(key) or den_hidden.get(key)
        if reason:
            return Cell(None, reason)
        if found.is_rate:
            d = den[key]
            return Cell(round(100 * num[key] / d, 1) if d else None)
        return Cell(num[key])

    def part(values: dict[Key, int], hidden: dict[Key, str], key: Key) -> Cell:
        return Cell(None, hidden[key]) if key in hidden else Cell(values[key])

    def row(r: int | str, period: Period | None, s: date, e: date) -> Row:
        return Row(
            period,
            s,
            e,
            [cell((r, c)) for c in range(len(shown))],
            cell((r, TOTAL)),
            [part(num, num_hidden, (r, c)) for c in columns] if found.is_rate else [],
            [part(den, den_hidden, (r, c)) for c in columns] if found.is_rate else [],
        )

    return Grid(
        found,
        shown,
        [row(r, p, p.start, min(p.end, today)) for r, p in enumerate(periods)],
        row(SPAN, None, start, last),
    )


# --- targets against actual ---------------------------------------------------------------


@dataclass(frozen=True)
class TargetLine:
    """One pairing's target for a metric, as a supervisor may see it."""

    bureau: Bureau
    pairing: str  # "sending — receiving"
    target: int
    actual: Cell
    percent_done: Cell
    behind: bool | None  # None when the actual is withheld


@dataclass(frozen=True)
class MetricProgress:
    metric: PairingMetric
    indicator: Indicator
    lines: list[TargetLine]
    target: int  # the sum of the lines' targets
    actual: Cell  # the sum of their actuals
    percent_done: Cell
    expected_percent: float
    behind: bool | None


def target_progress(
    session: Session, access: AccessContext, year: int, today: date
) -> list[MetricProgress]:
    """The supervised bureaus' pairing targets for the year against what their records
    show, per pairing and in total, suppressed per metric. A pairing between two
    supervised bureaus counts once, under its sending side."""
    raw: list[tuple[Bureau, str, service.TargetProgress]] = []
    seen: set[uuid.UUID] = set()
    shown = bureaus(session, access)
    # Sending bureaus first, so a pairing of two supervised bureaus lands there.
    for bureau in shown:
        with as_bureau(session, access, bureau.id) as system:
            for view in tenancy.visible_pairings(session, system):
                p = view.pairing
                if p.id in seen or bureau.id not in (p.sending_org_id, p.receiving_org_id):
                    continue
                if p.receiving_org_id == bureau.id and p.sending_org_id in access.supervised_ids:
                    continue  # counted under its sending side
                seen.add(p.id)
                name = f"{p.sending.name} — {p.receiving.name}"
                raw += [
                    (bureau, name, t)
                    for t in service.target_progress(session, system, p, year, today)
                ]
    out = []
    for metric in PairingMetric:
        entries = [(b, n, t) for b, n, t in raw if t.metric is metric]
        if not entries:
            continue
        actuals: dict[int | str, int] = {i: t.actual for i, (_b, _n, t) in enumerate(entries)}
        actuals[TOTAL] = sum(t.actual for _b, _n, t in entries)
        hidden = suppress(actuals, [list(actuals)])
        target = sum(t.target for _b, _n, t in entries)
        expected = entries[0][2].expected_percent

        lines = []
        for i, (bureau, name, t) in enumerate(entries):
            actual, done, behind = _progress(actuals, hidden, i, t.target, expected)
            lines.append(TargetLine(bureau, name, t.target, actual, done, behind))
        actual, done, behind = _progress(actuals, hidden, TOTAL, target, expected)
        out.append(
            MetricProgress(
                metric, entries[0][2].indicator, lines, target, actual, done, expected, behind
            )
        )
    return out


def _progress(
    actuals: dict[int | str, int],
    hidden: dict[int | str, str],
    key: int | str,
    target: int,
    expected: float,
) -> tuple[Cell, Cell, bool | None]:
    """The actual, percent done and behind-or-not of one line; all withheld with the
    actual (the percent of a known target would give the actual away)."""
    if key in hidden:
        return Cell(None, hidden[key]), Cell(None, hidden[key]), None
    done = round(100 * actuals[key] / target, 1) if target else 100.0
    return Cell(actuals[key]), Cell(done), done < expected
