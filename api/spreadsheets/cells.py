"""Reading ledger cells and mapping ledger columns: what every spreadsheet import shares.

A ledger format is a tuple of `Column`s (Chinese header, field, how a cell is read and
how a value is written). `map_headers` finds them in an uploaded file's header row,
whatever the order; `read_cells` turns one row into field values or row-level errors.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from api.errors import FieldError
from api.i18n import _
from api.spreadsheets import vocabulary
from api.spreadsheets.writer import ColumnSpec

_LIST_SPLIT = re.compile(r"[;；,，、\n]+")
_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


class CellError(ValueError):
    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message)
        self.message, self.code, self.params = message, code, params


def cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_text(cell: Any) -> str | None:
    return cell_text(cell) or None


def read_int(cell: Any) -> int | None:
    text = cell_text(cell)
    if not text:
        return None
    try:
        return int(float(text)) if float(text).is_integer() else _fail_int()
    except ValueError:
        return _fail_int()


def _fail_int() -> int:
    raise CellError(_("Give a whole number."), "int_parsing")


def read_bool(cell: Any) -> bool | None:
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).upper()
    if not text:
        return None
    if text in vocabulary.YES:
        return True
    if text in vocabulary.NO:
        return False
    raise CellError(_("Write 是 or 否."), "unknown_value")


def read_date(cell: Any) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = cell_text(cell)
    if not text:
        return None
    match = _DATE_TEXT.fullmatch(text) or (
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text) if text.isdigit() else None
    )
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise CellError(_("This date does not exist."), "impossible_date") from None
    raise CellError(_("Give a date as YYYY-MM-DD."), "date_parsing")


def read_list(cell: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for part in _LIST_SPLIT.split(cell_text(cell)):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return tuple(seen)


def join_list(values: Iterable[str]) -> str:
    return ";".join(values)


def enum_reader(enum_class: type[StrEnum]) -> Callable[[Any], StrEnum | None]:
    def read(cell: Any) -> StrEnum | None:
        text = cell_text(cell)
        if not text:
            return None
        value = vocabulary.lookup(enum_class, text)
        if value is None:
            raise CellError(
                _("Unknown value {value}; use one of: {choices}."),
                "unknown_value",
                value=text,
                choices=vocabulary.choices(enum_class),
            )
        return value

    return read


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    read: Callable[[Any], Any]
    write: Callable[[Any], Any] = lambda value: value
    required: bool = False
    width: int = 12
    text: bool = False
    enum: type[StrEnum] | None = None
    derived: bool = False  # written for readers, ignored on import

    def spec(self) -> ColumnSpec:
        choices = tuple(w[0] for w in vocabulary.WORDS[self.enum].values()) if self.enum else ()
        if self.read is read_bool:
            choices = ("是", "否")
        return ColumnSpec(self.header, self.width, self.text, choices)


def enum_column(header: str, field: str, enum: type[StrEnum], **kw: Any) -> Column:
    return Column(header, field, enum_reader(enum), vocabulary.word, enum=enum, **kw)


def normalize_header(text: str) -> str:
    """'乡镇(街道) ' and '乡镇（街道）' are the same column."""
    return "".join(text.split()).replace("(", "（").replace(")", "）")


def header_index(columns: Iterable[Column], aliases: Mapping[str, str]) -> dict[str, Column]:
    """Normalized header → column, with the other headers ledgers use for a column."""
    index = {normalize_header(c.header): c for c in columns}
    by_field = {c.field: c for c in index.values()}
    for alias, name in aliases.items():
        index.setdefault(normalize_header(alias), by_field[name])
    return index


def file_error(code: str, message: str, **params: Any) -> FieldError:
    return FieldError("file", message, code, params)


@dataclass
class HeaderMap:
    columns: list[Column | None]
    present: frozenset[str]
    ignored: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def map_headers(
    headers: list[str], index: Mapping[str, Column], required: Iterable[Column]
) -> HeaderMap:
    """Which column each header of the file is; unknown headers are listed, not fatal."""
    columns: list[Column | None] = []
    ignored: list[str] = []
    errors: list[FieldError] = []
    seen: dict[str, str] = {}
    for header in headers:
        column = index.get(normalize_header(header)) if header else None
        if column is None:
            if header:
                ignored.append(header)
            columns.append(None)
            continue
        if column.field in seen:
            errors.append(
                file_error(
                    "duplicate_column",
                    _("The columns {first} and {second} are the same column."),
                    first=seen[column.field],
                    second=header,
                )
            )
        seen[column.field] = header
        columns.append(column)
    missing = [c.header for c in required if c.field not in seen]
    if missing:
        errors.append(
            file_error(
                "missing_columns",
                _("The file lacks the columns: {columns}."),
                columns="、".join(missing),
            )
        )
    present = frozenset(c.field for c in columns if c is not None and not c.derived)
    return HeaderMap(columns, present, ignored, errors)


def cell_error(
    number: int, column: Column, message: str, code: str, params: dict[str, Any] | None = None
) -> FieldError:
    return FieldError(column.field, message, code, params or {}, row=number, column=column.header)


def read_cells(
    number: int,
    cells: list[Any],
    columns: list[Column | None],
    formulas: set[tuple[int, int]],
    required: Iterable[Column],
) -> tuple[dict[str, Any], list[FieldError]] | None:
    """One spreadsheet row → (field values, errors); None for an empty row."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    blank = True
    for index, column in enumerate(columns):
        cell = cells[index] if index < len(cells) else None
        if cell not in (None, ""):
            blank = False
        if column is None or column.derived:
            continue
        if (number, index) in formulas:
            errors.append(
                cell_error(
                    number,
                    column,
                    _("A formula is not accepted here; enter the value itself."),
                    "formula",
                )
            )
            continue
        try:
            values[column.field] = column.read(cell)
        except CellError as exc:
            errors.append(cell_error(number, column, exc.message, exc.code, exc.params))
    if blank:
        return None
    for column in required:
        already = any(e.field == column.field for e in errors)
        if values.get(column.field) in (None, "") and not already:
            errors.append(cell_error(number, column, _("This field is required."), "missing"))
    return values, errors


def with_column(problem: FieldError, number: int, by_field: Mapping[str, Column]) -> FieldError:
    """A record-level check's error placed on its row and column of the file."""
    column = by_field.get(problem.field)
    return FieldError(
        problem.field,
        problem.message,
        problem.code,
        problem.params,
        row=number,
        column=column.header if column else None,
    )
