"""Write ledgers with xlsxwriter, streaming (constant memory), every cell typed.

Text is always written as a string cell, never through xlsxwriter's guessing `write`,
so a value such as "=HYPERLINK(...)" stays text: exported files cannot carry formulas.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import xlsxwriter


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    width: int = 12
    text: bool = False  # format the column as text (@) so typed IDs stay text
    choices: tuple[str, ...] = ()  # a drop-down list in templates


class LedgerWriter:
    def __init__(self, target: IO[bytes], sheet_name: str, columns: Sequence[ColumnSpec]) -> None:
        self.book = xlsxwriter.Workbook(
            target, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False}
        )
        self.sheet = self.book.add_worksheet(sheet_name)
        self.columns = columns
        self._header = self.book.add_format(
            {"bold": True, "bg_color": "#E8F3EE", "border": 1, "text_wrap": True}
        )
        self._text = self.book.add_format({"num_format": "@"})
        self._date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self._row = 0
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.width, self._text if column.text else None)
        self.sheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            self.sheet.write_string(0, index, column.header, self._header)
        self._row = 1

    def add_choices(self, last_row: int = 10_000) -> None:
        """Drop-down lists on enumerated columns (templates)."""
        for index, column in enumerate(self.columns):
            if column.choices:
                self.sheet.data_validation(
                    1,
                    index,
                    last_row,
                    index,
                    {"validate": "list", "source": list(column.choices), "error_type": "warning"},
                )

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> int:
        sheet, row = self.sheet, self._row
        write_string, write_number, write_date = (
            sheet.write_string,
            sheet.write_number,
            sheet.write_datetime,
        )
        for values in rows:
            for col, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    write_string(row, col, "是" if value else "否")
                elif isinstance(value, int | float):
                    write_number(row, col, value)
                elif isinstance(value, date):
                    write_date(row, col, value, self._date)
                else:
                    write_string(row, col, str(value))
            row += 1
        written = row - self._row
        self._row = row
        return written

    def add_notes_sheet(self, title: str, lines: Iterable[Sequence[str]]) -> None:
        notes = self.book.add_worksheet(title)
        notes.set_column(0, 0, 22)
        notes.set_column(1, 1, 90)
        for row, line in enumerate(lines):
            for col, text in enumerate(line):
                notes.write_string(row, col, text, self._header if row == 0 else None)

    def close(self) -> None:
        self.book.close()
