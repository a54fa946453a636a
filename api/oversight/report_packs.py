"""A submitted report as an Excel pack (周统计表, 旬分析表; a month's report as well), in
the layout of the 月调度 pack (packs.py): a merged title row, a unit row, a header row,
小计 rows where adding up means something, the bureau and the date in a footer row, one
sheet per table, set up to print on A4 landscape.

Sheets:

- 本期指标: every indicator as frozen at submission, the previous period's figure and
  the change, and the figure now where it was revised since (grouped as in packs.py).
- 修订: the revisions alone, frozen against now (against the bureau's newer snapshot,
  for a supervisor), with the difference.
- 报送情况: the report's standing (due, submitted, late, decided, the reason of a
  return) and the bureau's comment (旬分析's analysis).
"""

import io
from datetime import date

import xlsxwriter

from api import clock
from api.oversight.indicators import BUILT_IN
from api.oversight.pack_tables import Styles, Table, adds_up, unit_zh, zh_date
from api.oversight.periods import PeriodKind
from api.oversight.report_contents import Contents, PreviousSource, RevisionSource, Row
from api.oversight.report_standing import is_late

TITLES = {PeriodKind.WEEK: "周统计表", PeriodKind.XUN: "旬分析表", PeriodKind.MONTH: "月调度表"}
STATUS_ZH = {"submitted": "已报送，待审核", "accepted": "已审核通过", "returned": "已退回"}
PREVIOUS_ZH = {
    PreviousSource.REPORT: "上期数为上期报表报送时的数据",
    PreviousSource.LIVE: "上期未报送，上期数按当前记录计算",
    PreviousSource.SNAPSHOT: "上期未报送，上期数取该单位最近一次冻结的数据",
    PreviousSource.NONE: "无上期数据",
}


def title(contents: Contents) -> str:
    return TITLES.get(contents.period.kind, "报表")


def file_name(bureau: str, contents: Contents) -> str:
    return f"{bureau}{contents.period.label_zh}{title(contents)}.xlsx"


def _time(instant: object) -> str:
    if instant is None:
        return "—"
    local = clock.local(instant)  # type: ignore[arg-type]  # a datetime cell, None handled above
    return f"{zh_date(local.date())} {local:%H:%M}"


def report_pack(contents: Contents, bureau: str, today: date) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    styles = Styles(book)
    heading = f"{bureau}{contents.period.label_zh}{title(contents)}"
    for sheet in (_figures, _revisions, _standing):
        table = sheet(book, styles, contents, heading)
        table.footer(bureau, today)
    book.close()
    return buffer.getvalue()


def _figures(book: xlsxwriter.Workbook, styles: Styles, c: Contents, heading: str) -> Table:
    p = c.period
    table = Table(
        book,
        styles,
        "本期指标",
        f"{heading}（本期指标）",
        f"本期：{zh_date(p.start)}至{zh_date(p.end)}（统计至{zh_date(c.snapshot.as_of)}）；"
        f"上期：{c.previous_period.code}，{PREVIOUS_ZH[c.previous_source]}；变化为本期减上期；"
        "现值仅列出报送后有修订的指标",
        ["指标", "单位", "本期（报送时）", "上期", "变化", "现值（修订后）"],
        [30, 8, 14, 12, 12, 14],
    )
    rows = {r.indicator.code: r for r in c.rows}
    for name, members in table.groups(f for f in BUILT_IN if f.code in rows):
        sums: list[float | int] = [0, 0]
        for found in members:
            r: Row = rows[found.code]
            now = r.revised.now.value if r.revised else None
            before = r.previous.value if r.previous else None
            table.values([found.name_zh, unit_zh(found), r.frozen.value, before, r.change, now])
            sums[0] += r.frozen.value or 0
            sums[1] += before or 0
        if adds_up(name, members):
            table.values(
                ["小计", unit_zh(members[0]), sums[0], sums[1], sums[0] - sums[1], None],
                total=True,
            )
    return table


def _revisions(book: xlsxwriter.Workbook, styles: Styles, c: Contents, heading: str) -> Table:
    against = {
        RevisionSource.LIVE: "现值按当前记录计算",
        RevisionSource.SNAPSHOT: (
            f"现值取该单位{_time(c.revised_snapshot.taken_at)}冻结的数据"
            if c.revised_snapshot
            else ""
        ),
        RevisionSource.NONE: "报送后该单位无新的冻结数据",
    }[c.revision_source]
    table = Table(
        book,
        styles,
        "修订",
        f"{heading}（报送后修订）",
        f"报送时间：{_time(c.snapshot.taken_at)}；{against}；差额为现值减报送时",
        ["指标", "单位", "报送时", "现值", "差额"],
        [30, 8, 14, 14, 12],
    )
    if not c.revisions:
        table.group("报送后无修订")
    for r in c.revisions:
        table.values(
            [r.indicator.name_zh, unit_zh(r.indicator), r.frozen.value, r.now.value, r.difference]
        )
    return table


def _standing(book: xlsxwriter.Workbook, styles: Styles, c: Contents, heading: str) -> Table:
    report = c.report
    table = Table(
        book,
        styles,
        "报送情况",
        f"{heading}（报送情况）",
        "时间为本单位所在时区",
        ["项目", "内容"],
        [18, 70],
    )
    late = is_late(report)
    for label, value in (
        ("报送周期", f"{c.period.label_zh}（{c.period.code}）"),
        ("截止时间", _time(report.due_at)),
        ("首次报送", _time(report.first_submitted_at)),
        ("是否按时", "逾期报送" if late else "按时报送"),
        ("最近报送", f"{_time(report.submitted_at)}（{report.submitted_by_label}）"),
        ("报送次数", report.submissions),
        ("审核状态", STATUS_ZH.get(report.status.value, report.status.value)),
        (
            "审核",
            f"{_time(report.decided_at)}（{report.decided_by_label}）"
            if report.decided_at
            else "—",
        ),
        ("退回原因", report.return_reason or "—"),
        ("分析说明", report.comment or "—"),
    ):
        table.values([label, value])
    return table
