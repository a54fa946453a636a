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

import functools
import hashlib
import inspect
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.db import is_read_only
from api.oversight import figure_cache_repository, statistics_repository
from api.oversight.statistics_repository import Value

T = TypeVar("T")
P = ParamSpec("P")


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


def _remembering(
    query: Callable[P, T], encode: Callable[[T], object], decode: Callable[[object], T]
) -> Callable[P, T]:
    """`query` (a statistics_repository function of session, access, then its arguments),
    remembered: keyed by its name and its arguments, `today` (where it takes one) settled
    to the bureau's day first, so that the key and the computation agree on it."""
    name = query.__name__
    signature = inspect.signature(query)

    @functools.wraps(query)
    def remembered_query(*args: P.args, **kwargs: P.kwargs) -> T:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if "today" in bound.arguments and bound.arguments["today"] is None:
            bound.arguments["today"] = clock.today()
        session, access, *arguments = bound.arguments.values()
        # Looked up when called, not when wrapped: a test's stand-in for the query (to
        # count what is really computed) is the one that runs.
        compute: Callable[..., T] = getattr(statistics_repository, name)
        return remembered(
            session,
            access,
            [name, *arguments],
            lambda: compute(*bound.args, **bound.kwargs),
            encode,
            decode,
        )

    return remembered_query


def _same(found: T) -> T:
    return found


def _value(v: Value) -> list[int | None]:
    return [v.numerator, v.denominator]


def _from_value(raw: object) -> Value:
    match raw:
        case [int() as numerator, int() | None as denominator]:
            return Value(numerator, denominator)
    # Only _value writes the entry; anything else is a damaged cache row.
    raise ValueError(f"not a kept value: {raw!r}")


Trend = list[tuple[Value, dict[str, int] | None]]


def _trend(found: Trend) -> object:
    return [[*_value(v), townships] for v, townships in found]


def _from_trend(raw: object) -> Trend:
    if not isinstance(raw, list):
        raise ValueError(f"not a kept trend: {raw!r}")
    return [_trend_point(point) for point in raw]


def _trend_point(raw: object) -> tuple[Value, dict[str, int] | None]:
    match raw:
        case [int() as numerator, int() | None as denominator, dict() | None as townships]:
            return Value(numerator, denominator), townships
    # Only _trend writes the entry; anything else is a damaged cache row.
    raise ValueError(f"not a kept trend point: {raw!r}")


# The same functions as statistics_repository's, each with how its answer is kept as JSON
# in stat_figures and read back.
value = _remembering(statistics_repository.value, _value, _from_value)
# The decoders take the JSON read back (object); the lambdas and dict() trust its shape.
by_township = _remembering(statistics_repository.by_township, _same, dict)  # type: ignore[arg-type]  # see above
values_by_period = _remembering(statistics_repository.values_by_period, _trend, _from_trend)
retention = _remembering(
    statistics_repository.retention,
    lambda found: [list(pair) for pair in found],
    lambda raw: [(int(a), int(b)) for a, b in raw],  # type: ignore[attr-defined]  # see above
)
warnings_by_rule = _remembering(
    statistics_repository.warnings_by_rule,
    lambda found: [[rule, day.isoformat(), n] for rule, day, n in found],
    lambda raw: [(r, date.fromisoformat(d), int(n)) for r, d, n in raw],  # type: ignore[attr-defined]  # see above
)
open_warnings_by_rule = _remembering(
    statistics_repository.open_warnings_by_rule,
    _same,
    dict,  # type: ignore[arg-type]  # see above
)


def tidy(session: Session) -> None:
    """Nightly (`laborbridge stats tidy`): empty the change log, drop the figures."""
    figure_cache_repository.system_tidy(session)
