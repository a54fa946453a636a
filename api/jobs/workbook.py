"""A rejected spreadsheet handed back: the uploaded rows as they were, with a reason
column beside each bad row, so the clerk fixes the rows and uploads the same file."""

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import xlsxwriter

from api.errors import FieldError
from api.i18n import set_locale
from api.spreadsheets.reader import UnreadableFile, read_table

REASON_HEADER = "问题说明"


def row_count(data: bytes, filename: str) -> int:
    """Rows under the header (for the progress bar); 0 when the file cannot be read."""
    try:
        return sum(1 for _row in read_table(data, filename).rows)
    except UnreadableFile:
        return 0


def result_name(filename: str | None) -> str:
    return f"{PurePath(filename or 'import').stem}-{REASON_HEADER}.xlsx"


def annotated(data: bytes, filename: str, errors: Sequence[FieldError]) -> bytes | None:
    """The first sheet again with REASON_HEADER filled for every row in error (None when
    no error names a row: a missing column or an unreadable file is told on the page)."""
    set_locale("zh_CN")  # the ledger's words are Chinese; so are the reasons
    reasons: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        if error.row is not None:
            shown = error.render()
            reasons[error.row].append(f"{error.column or error.field}：{shown['message']}")
    if not reasons:
        return None
    table = read_table(data, filename)
    headers = list(table.headers)
    if REASON_HEADER in headers:  # a file rejected before: its old reasons are replaced
        reason_col = headers.index(REASON_HEADER)
    else:
        reason_col = len(headers)
        headers.append(REASON_HEADER)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Sheet1")
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "head": book.add_format({"bold": True}),
        "reason": book.add_format({"font_color": "#b00020", "text_wrap": True}),
        "text": book.add_format({"num_format": "@"}),
    }
    header_index = table.header_row - 1
    for col, header in enumerate(headers):
        sheet.write_string(header_index, col, header, formats["head"])
    sheet.set_column(reason_col, reason_col, 60)
    for number, cells in table.rows:
        for col, value in enumerate(cells):
            if col != reason_col:
                _write(sheet, number - 1, col, value, formats)
        if number in reasons:
            sheet.write_string(
                number - 1, reason_col, "；".join(reasons[number]), formats["reason"]
            )
    book.close()
    return buffer.getvalue()


def _write(
    sheet: Any,  # xlsxwriter is untyped
    row: int,
    col: int,
    value: object,
    formats: dict[str, Any],
) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, formats["date"])
    else:
        # Text stays text: an ID number must not turn into a number or a formula.
        sheet.write_string(row, col, str(value), formats["text"])
