"""The statistics queries, remembered between requests: the same functions as
statistics_repository's, each answered from stat_figures when nothing its reader can
see has changed since it was computed, and computed (and remembered) otherwise.

A figure is keyed by its reader's view (the tenant sets the reader may read, so two
readers share a figure only if they see the same rows), the query and its arguments,
and the bureau's day (milestones and "up to today" move with it). The change counts are
read before the figure is computed: a change committed while it is computed makes it
stale at once rather than hiding in it.

On a read-only session (the read replica's, LB_DATABASE_REPLICA_URL) a figure is found
as anywhere else but, when computed, not remembered: the replica cannot write.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.db import is_read_only
from api.oversight import figure_cache_repository, statistics_repository
from api.oversight.statistics_repository import Value

T = TypeVar("T")


def _code_version() -> str:
    """A digest of the code figures are computed by (the indicators, the subsidy rules
    behind subsidies due): a release that changes how a figure counts never answers
    with one counted the old way."""
    digest = hashlib.sha256()
    api = Path(__file__).resolve().parent.parent
    for folder in ("oversight", "subsidies", "supply"):
        # Packages too: the statistics repository is one.
        for path in sorted((api / folder).rglob("*.py")):
            digest.update(path.relative_to(api).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


def view_key(access: AccessContext) -> str:
    view = {
        "code": CODE_VERSION,
        "tenant": str(access.tenant_id),
        "read": {k.value: sorted(map(str, ids)) for k, ids in sorted(access.readable.items())},
        "partners": sorted(map(str, access.partner_ids)),
        "pairings": sorted(map(str, access.pairing_ids)),
        "supervised": sorted(map(str, access.supervised_ids)),
    }
    return _digest(view)


def _digest(thing: object) -> str:
    text = json.dumps(thing, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def remembered(
    session: Session,
    access: AccessContext,
    key: list[object],
    compute: Callable[[], T],
    encode: Callable[[T], object],
    decode: Callable[[object], T],
) -> T:
    view, figure = view_key(access), _digest(key)
    seen = figure_cache_repository.changes(session, access)
    found = figure_cache_repository.find(session, access, view, figure)
    if found is not None and found[:2] == seen:
        return decode(found[2])
    result = compute()
    if not is_read_only(session):
        # A replica's session reads the primary's remembered figures (and the change
        # counts they were computed at) but cannot write one: a hot standby refuses.
        figure_cache_repository.keep(
            session, access, view, figure, seen, encode(result), clock.now()
        )
    return result


def _value(v: Value) -> list[int | None]:
    return [v.numerator, v.denominator]


def _from_value(raw: object) -> Value:
    numerator, denominator = raw  # type: ignore[misc]
    return Value(numerator, denominator)


def value(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> Value:
    today = today or clock.today()
    return remembered(
        session,
        access,
        ["value", code, start, end, today],
        lambda: statistics_repository.value(session, access, code, start, end, today=today),
        _value,
        _from_value,
    )


def by_township(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> dict[str, int]:
    today = today or clock.today()
    return remembered(
        session,
        access,
        ["by_township", code, start, end, today],
        lambda: statistics_repository.by_township(session, access, code, start, end, today=today),
        lambda found: found,
        lambda raw: dict(raw),  # type: ignore[call-overload]
    )


def values_by_period(
    session: Session,
    access: AccessContext,
    code: str,
    bounds: list[tuple[date, date]],
    *,
    by_township: bool = False,
    today: date | None = None,
) -> list[tuple[Value, dict[str, int] | None]]:
    today = today or clock.today()

    def encode(found: list[tuple[Value, dict[str, int] | None]]) -> object:
        return [[*_value(v), townships] for v, townships in found]

    def decode(raw: object) -> list[tuple[Value, dict[str, int] | None]]:
        return [(Value(n, d), townships) for n, d, townships in raw]  # type: ignore[attr-defined]

    return remembered(
        session,
        access,
        ["values_by_period", code, bounds, by_township, today],
        lambda: statistics_repository.values_by_period(
            session, access, code, bounds, by_township=by_township, today=today
        ),
        encode,
        decode,
    )


def retention(
    session: Session, access: AccessContext, start: date, end: date, today: date, months: int
) -> list[tuple[int, int]]:
    return remembered(
        session,
        access,
        ["retention", start, end, today, months],
        lambda: statistics_repository.retention(session, access, start, end, today, months),
        lambda found: [list(pair) for pair in found],
        lambda raw: [(int(a), int(b)) for a, b in raw],  # type: ignore[attr-defined]
    )


def warnings_by_rule(
    session: Session, access: AccessContext, start: date, end: date
) -> list[tuple[str, date, int]]:
    return remembered(
        session,
        access,
        ["warnings_by_rule", start, end],
        lambda: statistics_repository.warnings_by_rule(session, access, start, end),
        lambda found: [[rule, day.isoformat(), n] for rule, day, n in found],
        lambda raw: [(r, date.fromisoformat(d), int(n)) for r, d, n in raw],  # type: ignore[attr-defined]
    )


def open_warnings_by_rule(session: Session, access: AccessContext) -> dict[str, int]:
    return remembered(
        session,
        access,
        ["open_warnings_by_rule"],
        lambda: statistics_repository.open_warnings_by_rule(session, access),
        lambda found: found,
        lambda raw: dict(raw),  # type: ignore[call-overload]
    )


def tidy(session: Session) -> None:
    """Nightly (`laborbridge stats tidy`): empty the change log, drop the figures."""
    figure_cache_repository.system_tidy(session)
