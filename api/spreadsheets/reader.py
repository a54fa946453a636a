"""Read the first sheet of an .xlsx (python-calamine) or a .csv into numbered rows.

Row numbers are the ones the spreadsheet shows (the header is row 1), so error reports
point where people look. Formula cells are found too: a formula where a value belongs is
an error, and calamine only gives their cached results.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

import python_calamine
from defusedxml import DefusedXmlException, ElementTree

MAX_ROWS = 200_000
MAX_UNPACKED_BYTES = 800 * 1024 * 1024
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class UnreadableFile(ValueError):
    """`reason`: 'type', 'corrupt', 'empty' or 'too_many_rows'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)


def sniff_kind(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv', by content first (a renamed file is still what it is)."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # the old binary .xls
        raise UnreadableFile("type")
    if filename.lower().endswith((".csv", ".txt")) or b"\x00" not in data[:4096]:
        return "csv"
    raise UnreadableFile("type")


def read_table(data: bytes, filename: str) -> Table:
    if not data.strip():
        raise UnreadableFile("empty")
    return _read_xlsx(data) if sniff_kind(data, filename) == "xlsx" else _read_csv(data)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _check_unpacked_size(data: bytes) -> None:
    """A few kilobytes of zip can unpack to gigabytes; refuse before anything reads it."""
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("corrupt") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile("too_many_rows")


def _read_xlsx(data: bytes) -> Table:
    _check_unpacked_size(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises several kinds for bad files
        raise UnreadableFile("corrupt") from exc
    if sheet.height > MAX_ROWS + 1:
        raise UnreadableFile("too_many_rows")
    first_row, first_col = sheet.start or (0, 0)
    rows = sheet.iter_rows()
    header_cells = next(rows, None)
    if header_cells is None:
        raise UnreadableFile("empty")
    pad = [""] * first_col  # calamine starts at the used range; keep real column positions
    headers = [str(c).strip() if c not in (None, "") else "" for c in pad + list(header_cells)]

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for offset, cells in enumerate(rows, start=2):
            yield first_row + offset, pad + list(cells)

    return Table(headers, first_row + 1, numbered(), _formula_cells(data))


def _formula_cells(data: bytes) -> set[tuple[int, int]]:
    """(row, column) of every formula in the first sheet; cheap when there are none."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        path = _first_sheet_path(archive)
        with archive.open(path) as fh:
            xml = fh.read()
    except (KeyError, zipfile.BadZipFile, ParseError, DefusedXmlException) as exc:
        raise UnreadableFile("corrupt") from exc
    if b"<f" not in xml and b":f" not in xml:
        return set()
    found = set()
    for _event, element in ElementTree.iterparse(io.BytesIO(xml)):
        if element.tag == f"{_NS}c":
            if element.find(f"{_NS}f") is not None:
                match = _CELL_REF.fullmatch(element.get("r", ""))
                if match:
                    found.add((int(match.group(2)), _column_index(match.group(1))))
            element.clear()
    return found


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = workbook.find(f"{_NS}sheets/{_NS}sheet")
    if first is None:
        raise KeyError("no sheet")
    rel_id = first.get(f"{_REL_NS}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError("sheet relationship missing")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("corrupt")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    lines = list(reader)
    if not lines:
        raise UnreadableFile("empty")
    if len(lines) > MAX_ROWS + 1:
        raise UnreadableFile("too_many_rows")
    headers = [h.strip() for h in lines[0]]
    formulas = {
        (number, col)
        for number, cells in enumerate(lines[1:], start=2)
        for col, cell in enumerate(cells)
        if len(cell) > 1 and cell[0] == "=" and not cell[1:].isdigit()
    }
    return Table(headers, 1, iter(list(enumerate(lines[1:], start=2))), formulas)
