"""Two SQL functions the statistics need, written out per dialect (PostgreSQL, SQLite)."""

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class Bucket(FunctionElement[int]):
    """The index of the first bound the value is before (the number of bounds at or
    before it): the period a row came in, without joining it to every period."""

    type = Integer()
    inherit_cache = True


@compiles(Bucket)  # PostgreSQL, and str() of a statement
def _bucket_pg(element: Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    value, *bounds = list(element.clauses)
    if not bounds:
        return "0"
    # width_bucket: a binary search of the sorted bounds.
    array = ", ".join(
        f"CAST({compiler.process(b, **kw)} AS TIMESTAMP WITH TIME ZONE)" for b in bounds
    )
    return f"width_bucket({compiler.process(value, **kw)}, ARRAY[{array}])"


@compiles(Bucket, "sqlite")
def _bucket_sqlite(element: Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    value, *bounds = list(element.clauses)
    if not bounds:
        return "0"
    column = compiler.process(value, **kw)
    cases = " ".join(
        f"WHEN {column} < {compiler.process(b, **kw)} THEN {i}" for i, b in enumerate(bounds)
    )
    return f"(CASE {cases} ELSE {len(bounds)} END)"


class MonthsAfter(FunctionElement[date]):
    """`day` plus whole calendar months, clamped to the month end (31 Jan + 1 month is
    28 Feb), as add_months (relativedelta) counts them."""

    type = Date()
    inherit_cache = True


@compiles(MonthsAfter)  # PostgreSQL, and str() of a statement
def _months_after_pg(element: MonthsAfter, compiler: SQLCompiler, **kw: Any) -> str:
    day, months = list(element.clauses)
    # date + interval clamps to the month end, as relativedelta does.
    return (
        f"CAST({compiler.process(day, **kw)} + make_interval(months => "
        f"{compiler.process(months, **kw)}) AS DATE)"
    )


@compiles(MonthsAfter, "sqlite")
def _months_after_sqlite(element: MonthsAfter, compiler: SQLCompiler, **kw: Any) -> str:
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    # SQLite's '+N months' overflows into the next month (31 Jan + 1 month is 3 Mar):
    # the same day of the target month, or that month's last day if shorter.
    first = f"date({day}, 'start of month', '+' || ({months}) || ' months')"
    month_end = f"date({day}, 'start of month', '+' || ({months} + 1) || ' months', '-1 day')"
    same_day = f"date({first}, '+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1) || ' days')"
    return f"min({same_day}, {month_end})"
