"""One pipeline for every spreadsheet import: read → map columns → check rows → compare
with the register (the preview) → write as one transaction → report.

Laborer ledgers, vacancy lists and monthly verification lists differ only in their
columns and row rules, which each supplies as an `ImportKind`; the steps, their order,
the file-level errors and the all-or-nothing write are here, once.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.errors import FieldError
from api.i18n import _
from api.progress import Progress, quiet
from api.spreadsheets.cells import Column, file_error, map_headers
from api.spreadsheets.reader import UnreadableFile, read_table

MAX_REPORTED_ERRORS = 5000
PROGRESS_EVERY = 5000  # rows checked between progress reports

FILE_MESSAGES = {
    "type": _("Upload an .xlsx or .csv file (save older .xls files as .xlsx first)."),
    "corrupt": _("The file cannot be read; save it again as .xlsx or UTF-8 .csv."),
    "empty": _("The file is empty."),
    "too_many_rows": _("The file has more than 200,000 rows; split it."),
}


def reported_errors(errors: list[FieldError]) -> list[dict[str, Any]]:
    """A plan's row errors as its summary keeps them, the first MAX_REPORTED_ERRORS."""
    return [
        {
            "row": e.row,
            "column": e.column,
            "field": e.field,
            "code": e.code,
            "message": e.message,
            "params": e.params,
        }
        for e in errors[:MAX_REPORTED_ERRORS]
    ]


@dataclass
class Plan:
    """What a checked file would do. Each kind extends it with what it writes and says
    how it counts it (`counts`)."""

    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    present: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {}

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            **self.counts(),
            "error_count": len(self.errors),
            "ignored_columns": self.ignored_columns,
            "errors": reported_errors(self.errors),
        }


RowT = TypeVar("RowT")
PlanT = TypeVar("PlanT", bound=Plan)


@dataclass(frozen=True)
class Sheet:
    """A kind's columns: the headers it knows (synonyms included) and those it needs."""

    header_index: Mapping[str, Column]
    required: Sequence[Column]
    max_rows: int | None = None  # beyond what the reader itself refuses
    too_many_rows_code: str = "too_many_rows"


@dataclass(frozen=True)
class Layout:
    """Where a file's columns are: the kind's column for each position (None: ignored),
    and the cells holding a formula."""

    columns: list[Column | None]
    formulas: set[tuple[int, int]]


@dataclass
class RowRead(Generic[RowT]):
    """One data row after the kind's row rules: its value, or its errors."""

    value: RowT | None
    errors: list[FieldError]


class ImportKind(Protocol[RowT, PlanT]):
    """What one kind of import supplies: its columns and its row rules. Nothing else."""

    sheet: Sheet

    def new_plan(self) -> PlanT: ...

    def read_row(self, number: int, cells: list[Any], layout: Layout) -> RowRead[RowT] | None:
        """Cells → a checked row (or its errors); None for a blank row."""
        ...

    def check_file(self, rows: list[tuple[int, RowT]], plan: PlanT) -> list[tuple[int, RowT]]:
        """Rules across rows (a number twice in the file): the rows that pass."""
        ...

    def compare(
        self, session: Session, access: AccessContext, rows: list[tuple[int, RowT]], plan: PlanT
    ) -> None:
        """Against the register as it is now: fill the plan, or add errors to it."""
        ...

    def write(self, session: Session, access: AccessContext, plan: PlanT, batch_id: Any) -> None:
        """Save a checked plan (called inside one savepoint by `write`)."""
        ...


def check(
    kind: ImportKind[RowT, PlanT], data: bytes, filename: str, progress: Progress = quiet
) -> tuple[PlanT, list[tuple[int, RowT]]]:
    """Read, map the columns and check every row and the file as a whole."""
    plan = kind.new_plan()
    try:
        table = read_table(data, filename)
    except UnreadableFile as exc:
        plan.errors.append(file_error("file_" + exc.reason, FILE_MESSAGES[exc.reason]))
        return plan, []
    mapped = map_headers(table.headers, kind.sheet.header_index, kind.sheet.required)
    plan.ignored_columns.extend(mapped.ignored)
    plan.errors.extend(mapped.errors)
    plan.present = mapped.present
    if plan.errors:
        return plan, []
    limit = kind.sheet.max_rows
    layout = Layout(mapped.columns, table.formulas)
    rows: list[tuple[int, RowT]] = []
    progress("check", 0, 0)
    for number, cells in table.rows:
        read = kind.read_row(number, cells, layout)
        if read is None:
            continue
        plan.rows += 1
        if limit is not None and plan.rows > limit:
            message = _("The file has more than {count} rows; split it.")
            plan.errors = [file_error(kind.sheet.too_many_rows_code, message, count=limit)]
            return plan, []
        plan.errors.extend(read.errors)
        if read.value is not None and not read.errors:
            rows.append((number, read.value))
        if plan.rows % PROGRESS_EVERY == 0:
            progress("check", plan.rows, 0)
    if plan.rows == 0:
        plan.errors.append(file_error("no_rows", _("The file has no data rows.")))
        return plan, []
    rows = kind.check_file(rows, plan)
    plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return plan, rows


def preview(
    kind: ImportKind[RowT, PlanT],
    session: Session,
    access: AccessContext,
    data: bytes,
    filename: str,
    progress: Progress = quiet,
) -> PlanT:
    """Every check, the register's included: what a commit would write, or why not."""
    plan, rows = check(kind, data, filename, progress)
    if plan.errors:
        return plan
    progress("compare", 0, len(rows))
    kind.compare(session, access, rows, plan)
    return plan


def write(
    kind: ImportKind[RowT, PlanT],
    session: Session,
    access: AccessContext,
    plan: PlanT,
    batch_id: Any = None,
) -> None:
    """Write a checked plan all or nothing: a failure part way leaves no row behind,
    even for a caller that goes on with the transaction."""
    if not plan.ok:
        raise ValueError("a plan with errors is never written")
    with session.begin_nested():
        kind.write(session, access, plan, batch_id)
