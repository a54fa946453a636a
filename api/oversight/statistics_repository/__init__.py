"""All SQL of the indicators: one small query builder per indicator (api/oversight/
indicators.py), each counting only rows the caller may read.

Person-based figures are of the caller's county: the laborers it reads (a county and its
liaison offices; a receiving bureau reads no register wholesale, so it counts none).
Pool and event figures are of what the caller reads through its pairings. Days are the
bureau's (api/clock.py): an instant belongs to the day it fell on in bureau time.

The parts, each a module of this package:

- counting_periods: Period and Periods (a trend's period list), what a figure counts over;
- sql_functions: the period bucket and calendar months in SQL, per dialect;
- counted: a builder's counted query, the builders' types, shared conditions;
- people_builders: the register, placements, transfers, returns, training, staying in post;
- activity_builders: the demand pool, fairs, referrals, subsidies, casework, warnings;
- builders: the builder of each indicator (BUILDERS, ROW_BUILDERS, GROUPED);
- queries: value(), by_township(), values_by_period() and the analyses' queries.

Callers import this package: its names below are the repository's interface.
"""

from api.oversight.statistics_repository.builders import BUILDERS, GROUPED, ROW_BUILDERS
from api.oversight.statistics_repository.counted import PEOPLE, Builder, Counted, RowBuilder
from api.oversight.statistics_repository.counting_periods import Period, Periods
from api.oversight.statistics_repository.people_builders import NINETY_DAYS, placements
from api.oversight.statistics_repository.queries import (
    Value,
    by_township,
    open_warnings_by_rule,
    placement_spans,
    retention,
    value,
    values_by_period,
    warnings_by_rule,
)

__all__ = [
    "BUILDERS",
    "GROUPED",
    "NINETY_DAYS",
    "PEOPLE",
    "ROW_BUILDERS",
    "Builder",
    "Counted",
    "Period",
    "Periods",
    "RowBuilder",
    "Value",
    "by_township",
    "open_warnings_by_rule",
    "placement_spans",
    "placements",
    "retention",
    "value",
    "values_by_period",
    "warnings_by_rule",
]
