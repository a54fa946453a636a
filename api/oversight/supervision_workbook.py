"""A supervisor's dashboard as one xlsx (supervision.py computes and suppresses the
figures): a withheld cell holds its mark, never its value."""

import io
from datetime import date
from typing import Any

import xlsxwriter
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.oversight.periods import PeriodKind
from api.oversight.supervision import Cell, grid, target_progress


def workbook(
    session: Session,
    access: AccessContext,
    code: str,
    year: int,
    kind: PeriodKind,
    today: date,
) -> bytes:
    """The dashboard's figures as one xlsx, suppressed as on the page: a withheld cell
    holds its mark ("<5" or "×"), never its value. Sheets: 分县区 (the indicator by
    period and bureau, 合计 column and row) and 目标进度 (the pairings' targets)."""
    figures = grid(
        session, access, code, date(year, 1, 1), date(year, 12, 31), today=today, kind=kind
    )
    progress = target_progress(session, access, year, today)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter"})
    plain = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0.##"})
    mark = book.add_format({"border": 1, "align": "right"})

    def put(sheet: Any, row: int, col: int, c: Cell) -> None:
        if c.shown is not None:
            sheet.write_string(row, col, c.shown, mark)
        elif c.value is None:
            sheet.write_string(row, col, "—", mark)
        else:
            sheet.write_number(row, col, c.value, number)

    found = figures.indicator
    sheet = book.add_worksheet("分县区")
    width = len(figures.bureaus) + 2
    sheet.merge_range(0, 0, 0, width - 1, f"{access.tenant_name} {year}年 {found.name_zh}", bold)
    sheet.merge_range(1, 0, 1, width - 1, NOTE_ZH, plain)
    sheet.write_row(2, 0, ["期间", *(b.name for b in figures.bureaus), "合计"], bold)
    line = 3
    for r in [*figures.rows, figures.span]:
        label = r.period.label_zh if r.period else f"{r.start.isoformat()}至{r.end.isoformat()}"
        sheet.write_string(line, 0, label, plain)
        for i, c in enumerate([*r.cells, r.total]):
            put(sheet, line, i + 1, c)
        line += 1
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, width - 1, 16)

    sheet = book.add_worksheet("目标进度")
    header = ["指标", "县区", "协作关系", "年度目标", "完成", "完成（%）", "序时进度（%）"]
    sheet.merge_range(0, 0, 0, len(header) - 1, f"{access.tenant_name} {year}年 目标进度", bold)
    sheet.merge_range(1, 0, 1, len(header) - 1, NOTE_ZH, plain)
    sheet.write_row(2, 0, header, bold)
    line = 3
    for m in progress:
        for t in m.lines:
            sheet.write_row(line, 0, [m.indicator.name_zh, t.bureau.name, t.pairing], plain)
            sheet.write_number(line, 3, t.target, number)
            put(sheet, line, 4, t.actual)
            put(sheet, line, 5, t.percent_done)
            sheet.write_number(line, 6, m.expected_percent, number)
            line += 1
        sheet.write_row(line, 0, [m.indicator.name_zh, "合计", ""], bold)
        sheet.write_number(line, 3, m.target, number)
        put(sheet, line, 4, m.actual)
        put(sheet, line, 5, m.percent_done)
        sheet.write_number(line, 6, m.expected_percent, number)
        line += 1
    sheet.set_column(0, 2, 24)
    sheet.set_column(3, 6, 14)
    book.close()
    return out.getvalue()


NOTE_ZH = "跨单位数据：1至4的计数显示为“<5”；为防止由合计推算出“<5”，另一数据同时隐去，显示为“×”。"
