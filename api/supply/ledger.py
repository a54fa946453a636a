"""The laborer ledger (台账) format: Chinese column headers as county ledgers have them,
how each cell is read and how each value is written. The columns, their order and the
other headers accepted come from the field declaration (api/supply/fields.py).

Import and export use the same columns, so an export re-imports with no changes.
Columns may come in any order; missing optional columns leave existing values alone.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from api import clock
from api.errors import FieldError
from api.i18n import _
from api.spreadsheets.cells import (
    CellError,
    Column,
    cell_text,
    enum_column,
    header_index,
    join_list,
    read_bool,
    read_cells,
    read_date,
    read_int,
    read_list,
    read_text,
)
from api.supply.fields import FIELDS, Kind, LaborerField, Mask
from api.supply.records import LaborerRecord, Occupation, normalize_phone

__all__ = ["COLUMNS", "Column", "read_bool", "read_date", "read_list"]

_OCCUPATION = re.compile(r"^(.*?)\s*[(（]\s*([0-9-]+)\s*[)）]\s*$")


def read_id_number(cell: Any) -> str | None:
    if isinstance(cell, float):
        # 18 digits do not fit a spreadsheet number: the last digits are already lost.
        raise CellError(
            _("The ID number was stored as a number and lost digits; format the column as text."),
            "id_as_number",
        )
    return read_text(cell)


def read_phone(cell: Any) -> str | None:
    return normalize_phone(cell_text(cell))


def read_occupations(cell: Any) -> tuple[Occupation, ...]:
    out = []
    for part in read_list(cell):
        match = _OCCUPATION.match(part)
        out.append(Occupation(match.group(1), match.group(2)) if match else Occupation(part))
    return tuple(out)


def write_occupations(values: tuple[Occupation, ...]) -> str:
    return ";".join(o.text() for o in values)


def _same(value: Any) -> Any:
    return value


# How a cell of each kind is read and a value written (masked fields have readers of
# their own: an ID number typed as a number has lost digits, a phone is normalised).
_READ_WRITE: dict[Kind, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    Kind.TEXT: (read_text, _same),
    Kind.INT: (read_int, _same),
    Kind.BOOL: (read_bool, _same),
    Kind.DATE: (read_date, _same),
    Kind.LIST: (read_list, join_list),
    Kind.OCCUPATIONS: (read_occupations, write_occupations),
}
_MASKED_READ = {Mask.ID_NUMBER: read_id_number, Mask.PHONE: read_phone}


def column_of(f: LaborerField) -> Column:
    """The ledger column of a declared field."""
    layout: dict[str, Any] = {"required": f.required, "width": f.width, "text": f.as_text}
    if f.enum is not None:
        return enum_column(f.header, f.name, f.enum, **layout)
    read, write = _READ_WRITE[f.kind]
    if f.mask is not None:
        read = _MASKED_READ[f.mask]
    return Column(f.header, f.name, read, write, derived=not f.input, **layout)


COLUMNS: tuple[Column, ...] = tuple(column_of(f) for f in FIELDS)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)
# The headers county ledgers also use for the same columns.
HEADER_INDEX = header_index(COLUMNS, {s: f.name for f in FIELDS for s in f.synonyms})


@dataclass
class ParsedRow:
    number: int
    record: LaborerRecord | None
    present: frozenset[str]
    errors: list[FieldError]


def parse_row(
    number: int,
    cells: list[Any],
    columns: list[Column | None],
    formulas: set[tuple[int, int]],
    default_region: str,
) -> ParsedRow | None:
    """One spreadsheet row → a record (or its errors). None for an empty row."""
    read = read_cells(number, cells, columns, formulas, REQUIRED)
    if read is None:
        return None
    values, errors = read
    present = frozenset(values)
    if errors:
        return ParsedRow(number, None, present, errors)
    fields = {k: v for k, v in values.items() if v is not None}
    fields.setdefault("region_code", default_region)
    return ParsedRow(number, LaborerRecord(**fields), present, [])


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def row_values(record: LaborerRecord, *, sex: str, birth_date: date) -> list[Any]:
    """A record as the ledger writes it, column by column."""
    derived = {"sex": sex, "age": age_on(birth_date, clock.today())}
    out = []
    for column in COLUMNS:
        if column.derived:
            out.append(derived[column.field])
        else:
            out.append(column.write(getattr(record, column.field)))
    return out
