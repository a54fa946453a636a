"""The 月调度 pack: a month's dispatch tables as one Excel workbook, in the bureaus' layout
(a merged title row, a unit row, a header row, a 合计 row where adding up means
something, the bureau and the date the tables were drawn up in a footer row), one sheet
per table, each set up to print on A4 landscape with its header rows on every page.

Sheets:

- 目标进度: each visible pairing's targets for the month's year, done from 1 January to
  the month end against the share of the year gone by then. No totals row: the targets
  count different things (people, person-times, fairs, positions).
- 本月指标: every indicator for the month, the month before, the change (环比, this
  month less the last) and the year to date (a flow from 1 January; a stock as at the
  month end, so the same as the month). Indicators are grouped by their code; only the
  驻外服务 group has a 小计 row (see ADDITIVE_GROUPS), because in every other group the
  rows overlap (a 其中 of the first row: poverty, women, organized, in post), are
  different stages of one flow (raised and closed, completed and employed after it) or
  have different units, so a sum would count people twice or add unlike things.
- 分乡镇: the person-based indicators by the laborer's township, with a 合计 row: each
  laborer lives in one township, so the rows add up to the county's figure. The rate
  is worked out from its numerator and denominator columns, on the 合计 row too.

Every figure comes from service.statistic (or service.statistics, the same over several
periods in one statement), as the dashboard and the API give it.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import xlsxwriter
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.errors import FieldError, ValidationFailed
from api.i18n import _
from api.oversight import service
from api.oversight.indicators import BUILT_IN, Indicator, Measure
from api.oversight.pack_tables import Styles, Table, adds_up, unit_zh, zh_date
from api.oversight.periods import Period, PeriodKind, parse, period_of
from api.tenancy import service as tenancy

TITLE = "劳务协作调度表"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def last_complete_month(today: date) -> Period:
    return period_of(PeriodKind.MONTH, today.replace(day=1) - timedelta(days=1))


def month(code: str | None, today: date) -> Period:
    """The month a `period` parameter names (`2026-11`), by default the last complete
    one; anything else is refused with the reason in Chinese and English."""
    if not code:
        return last_complete_month(today)
    try:
        period = parse(code)
    except ValueError as error:
        reason = str(error)
    else:
        if period.kind is not PeriodKind.MONTH:
            reason = f"{code} 不是月份 / {code} is not a month"
        elif not FIRST_YEAR <= period.start.year <= LAST_YEAR:
            # The records' years; and the month before 0001-01 does not exist.
            reason = (
                f"年份须在{FIRST_YEAR}至{LAST_YEAR}之间 / "
                f"the year must be {FIRST_YEAR} to {LAST_YEAR}"
            )
        else:
            return period
    raise ValidationFailed(
        errors=[
            FieldError(
                "period",
                _("Give the month as YYYY-MM, such as 2026-11 ({reason})."),
                "invalid_period",
                {"reason": reason},
            )
        ]
    )


def file_name(access: AccessContext, period: Period) -> str:
    return f"{access.tenant_name}{period.label_zh}{TITLE}.xlsx"


# --- the sheets -----------------------------------------------------------------------


def monthly_dispatch(session: Session, access: AccessContext, period: Period, today: date) -> bytes:
    """The 月调度 pack of `period` (a month) as xlsx bytes, drawn up on `today`."""
    if period.kind is not PeriodKind.MONTH:
        raise ValueError(f"a monthly pack needs a month, not {period.code}")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    styles = Styles(book)
    heading = f"{period.label_zh}{TITLE}"
    for sheet in (_targets, _indicators, _townships):
        table = sheet(book, styles, session, access, period, today, heading)
        table.footer(access.tenant_name, today)
    book.close()
    return buffer.getvalue()


def _targets(
    book: xlsxwriter.Workbook,
    styles: Styles,
    session: Session,
    access: AccessContext,
    period: Period,
    today: date,
    heading: str,
) -> Table:
    as_of = min(today, period.end)
    year = period.start.year
    sections = []
    for view in tenancy.visible_pairings(session, access):
        rows = service.target_progress(session, access, view.pairing, year, as_of)
        if rows:
            sections.append((view.pairing, rows))
    units = list(dict.fromkeys(unit_zh(r.indicator) for _p, rows in sections for r in rows))
    table = Table(
        book,
        styles,
        "目标进度",
        f"{heading}（目标进度）",
        f"单位：{'、'.join(units) or '人'}；{year}年1月1日至{zh_date(as_of)}",
        ["指标", "年度目标", "累计完成", "完成率(%)", "时序进度(%)", "进度"],
        [26, 12, 12, 12, 12, 10],
    )
    if not sections:
        table.group(f"{year}年无协作目标")
    for pairing, rows in sections:
        table.group(f"{pairing.sending.name} — {pairing.receiving.name}")
        for r in rows:
            table.values(
                [
                    f"{r.indicator.name_zh}（{unit_zh(r.indicator)}）",
                    r.target,
                    r.actual,
                    r.percent_done,
                    r.expected_percent,
                    "落后" if r.behind else "正常",
                ]
            )
    return table


def _change(now: float | int | None, before: float | int | None) -> float | int | None:
    if now is None or before is None:
        return None
    difference = now - before
    return round(difference, 1) if isinstance(difference, float) else difference


def _indicators(
    book: xlsxwriter.Workbook,
    styles: Styles,
    session: Session,
    access: AccessContext,
    period: Period,
    today: date,
    heading: str,
) -> Table:
    last = period.previous()
    year_start = date(period.start.year, 1, 1)
    table = Table(
        book,
        styles,
        "本月指标",
        f"{heading}（本月指标）",
        f"本月：{zh_date(period.start)}至{zh_date(period.end)}；存量指标为月末时点数，"
        "流量指标为期内发生数；环比为本月减上月；本年累计自1月1日起（存量指标为月末时点数）",
        ["指标", "单位", "本月", "上月", "环比", "本年累计"],
        [30, 8, 12, 12, 12, 12],
    )
    for name, members in table.groups(BUILT_IN):
        sums: list[float | int] = [0, 0, 0]
        for found in members:
            bounds = [(period.start, period.end), (last.start, last.end)]
            if found.measure is not Measure.STOCK:
                bounds.append((year_start, period.end))
            # The three figures in one statement (service.statistics).
            values = [
                stat.value
                for stat in service.statistics(session, access, found.code, bounds, today=today)
            ]
            now, before = values[0], values[1]
            to_date = now if found.measure is Measure.STOCK else values[2]
            table.values(
                [found.name_zh, unit_zh(found), now, before, _change(now, before), to_date]
            )
            for i, v in enumerate((now, before, to_date)):
                sums[i] += v or 0
        if adds_up(name, members):
            table.values(
                ["小计", unit_zh(members[0]), sums[0], sums[1], sums[0] - sums[1], sums[2]],
                total=True,
            )
    return table


@dataclass(frozen=True)
class _Column:
    indicator: Indicator
    counts: dict[str, int]
    total: int  # the county's figure, as service.statistic gives it


def _townships(
    book: xlsxwriter.Workbook,
    styles: Styles,
    session: Session,
    access: AccessContext,
    period: Period,
    today: date,
    heading: str,
) -> Table:
    chosen = [i for i in BUILT_IN if i.by_township]
    columns: dict[str, _Column] = {}

    def column(code: str) -> _Column:
        if code not in columns:
            stat = service.statistic(
                session, access, code, period.start, period.end, by_township=True, today=today
            )
            columns[code] = _Column(stat.indicator, stat.by_township or {}, stat.numerator)
        return columns[code]

    for found in chosen:
        if found.is_rate:
            column(found.numerator or "")
            column(found.denominator or "")
        else:
            column(found.code)
    townships = sorted({t for c in columns.values() for t in c.counts})

    def rate(found: Indicator, township: str | None) -> float | None:
        top, bottom = columns[found.numerator or ""], columns[found.denominator or ""]
        over = bottom.total if township is None else bottom.counts.get(township, 0)
        under = top.total if township is None else top.counts.get(township, 0)
        return round(100 * under / over, 1) if over else None

    table = Table(
        book,
        styles,
        "分乡镇",
        f"{heading}（分乡镇）",
        f"{zh_date(period.start)}至{zh_date(period.end)}；存量指标为月末时点数，流量指标为"
        "期内发生数；按劳动力户籍所在乡镇统计",
        ["乡镇"] + [f"{i.name_zh}（{unit_zh(i)}）" for i in chosen],
        [14] + [11] * len(chosen),
    )
    for township in townships:
        table.values(
            [township]
            + [
                rate(i, township) if i.is_rate else columns[i.code].counts.get(township, 0)
                for i in chosen
            ]
        )
    table.values(
        ["合计"] + [rate(i, None) if i.is_rate else columns[i.code].total for i in chosen],
        total=True,
    )
    return table
