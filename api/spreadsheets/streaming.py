"""Write an .xlsx as it goes: each batch of rows leaves as compressed bytes at once.

xlsxwriter (writer.py) assembles the zip archive only when the workbook closes, so a
download's first byte waits for its last row. Here the worksheet is one deflated entry
of a zip written to an unseekable sink (zipfile then puts the sizes in a data descriptor
after the data), so memory stays one batch whatever the row count, and the first bytes
leave after the first batch. Strings are inline (a shared-string table would hold every
distinct string until the end); cells are typed as in `LedgerWriter`, text is always a
string cell, so no value becomes a formula. One sheet, a bold frozen header row, column
widths, text-formatted ID columns and dated cells: what an exported ledger needs.
Templates, with drop-down lists and a notes sheet, stay with `LedgerWriter`.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from api.spreadsheets.writer import ColumnSpec

_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug folded in)
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Above this many uncompressed bytes the sheet needs zip64 (whose size fields Excel for
# Mac has refused on small files, so it is used only where the 4 GiB limit is near).
_ZIP64_ABOVE = 2**31
_CELL_BYTES = 64  # a generous mean of one cell's XML, for that estimate

_STATIC = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    ),
    # Styles: 0 plain, 1 header (bold, filled, bordered, wrapped), 2 text (@), 3 date.
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/>'
        '<sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill>'
        '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFE8F3EE"/>'
        '</patternFill></fill></fills><borders count="2"><border/><border><left style="thin"'
        '/><right style="thin"/><top style="thin"/><bottom style="thin"/></border></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="4"><xf/>'
        '<xf fontId="1" fillId="2" borderId="1" applyFont="1" applyFill="1" applyBorder="1" '
        'applyAlignment="1"><alignment wrapText="1"/></xf><xf numFmtId="49" '
        'applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_TEXT_COLUMN = {True: ' style="2"', False: ""}
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _text_cell(ref: str, text: str, style: str) -> str:
    text = escape(_NOT_XML.sub("", text))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(ref: str, value: Any, style: str) -> str:
    if isinstance(value, bool):
        return _text_cell(ref, "是" if value else "否", style)
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return f'<c r="{ref}" s="3"><v>{(day - _EPOCH).days}</v></c>'
    return _text_cell(ref, str(value), style)


class _Sink:
    """An unseekable file object that hands over what zipfile wrote since last asked."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def stream_workbook(
    sheet_name: str,
    columns: Sequence[ColumnSpec],
    batches: Iterable[Iterable[Sequence[Any]]],
    *,
    expected_rows: int = 0,
) -> Iterator[bytes]:
    """The .xlsx bytes of one sheet: after the header, then after each batch of rows."""
    sink = _Sink()
    # Level 1: the export is bound by this process's CPU; the file is a little larger.
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    for name, xml in _STATIC.items():
        archive.writestr(name, _DECLARATION + xml)
    archive.writestr(
        "xl/workbook.xml",
        _DECLARATION + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>",
    )
    big = expected_rows * max(len(columns), 1) * _CELL_BYTES > _ZIP64_ABOVE
    with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=big) as sheet:
        sheet.write(_sheet_head(columns).encode())
        yield sink.take()
        letters = [_letters(i) for i in range(len(columns))]
        styles = [' s="2"' if c.text else "" for c in columns]
        number = 1
        for batch in batches:
            lines = []
            for values in batch:
                number += 1
                cells = "".join(
                    _cell(f"{letters[i]}{number}", value, styles[i])
                    for i, value in enumerate(values)
                    if value is not None and value != ""
                )
                lines.append(f'<row r="{number}">{cells}</row>')
            sheet.write("".join(lines).encode())
            yield sink.take()
        sheet.write(b"</sheetData></worksheet>")
    archive.close()
    yield sink.take()


def _sheet_head(columns: Sequence[ColumnSpec]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"{_TEXT_COLUMN[c.text]}/>'
        for i, c in enumerate(columns, start=1)
    )
    header = "".join(
        _text_cell(f"{_letters(i)}1", c.header, ' s="1"') for i, c in enumerate(columns)
    )
    return (
        _DECLARATION + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f'<cols>{widths}</cols><sheetData><row r="1">{header}</row>'
    )
