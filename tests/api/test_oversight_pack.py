"""The 月调度 pack (issue 13): three sheets in the bureaus' layout, every figure the one
service.statistic gives (through /api/v1/statistics, as the same user), the township
sheet adding up to the county, print setup, the file name; refusals of a bad month; and a
receiving bureau's pack without the county's townships."""

import io
import re
import zipfile
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from python_calamine import CalamineWorkbook

from api import clock
from api.oversight import packs
from api.oversight.indicators import BUILT_IN, BY_CODE, Measure
from api.oversight.periods import Period
from tests.api.test_oversight_statistics import _ok as _made
from tests.api.test_oversight_statistics import _on, _place, _progress, _set_targets
from tests.fixtures.factories import laborer_payload

TOWNSHIP = "调度表测试镇"
SHEETS = ["目标进度", "本月指标", "分乡镇"]


def _ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return response


def _register(login, day: str) -> str:  # type: ignore[no-untyped-def]
    with _on(day):
        body = laborer_payload(township=TOWNSHIP)
        return _made(login("wushan.staff").post("/api/v1/laborers", json=body))["id"]


def _book(content: bytes) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(content))


def _rows(book: CalamineWorkbook, name: str) -> list[list[object]]:
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _value(user, code: str, start: date, end: date):  # type: ignore[no-untyped-def]
    params = {"indicator": code, "from": start.isoformat(), "to": end.isoformat()}
    return _ok(user.get("/api/v1/statistics", params=params)).json()["value"]


def _cell(value):  # type: ignore[no-untyped-def]
    """A figure as the sheet holds it: numbers as numbers, nothing to show as —."""
    return "—" if value is None else float(value)


def _number(cell):  # type: ignore[no-untyped-def]
    return cell if cell == "—" else float(cell)


@pytest.fixture
def month() -> Period:
    return packs.last_complete_month(clock.today())


def test_the_pack_has_the_month_figures_in_the_bureau_layout(world, login, month):
    # Three laborers of a township of this test's own, registered and two placed in the
    # month; targets for the month's year.
    day = (month.start + timedelta(days=4)).isoformat()
    ids = [_register(login, day) for _ in range(3)]
    wushan = login("wushan.staff")
    for laborer_id in ids[:2]:
        _place(wushan, laborer_id, (month.start + timedelta(days=6)).isoformat())
    _set_targets(world, month.start.year, {"laborers_transferred": 40, "fairs_held": 6})

    response = _ok(wushan.get("/api/v1/reports/monthly-dispatch"))  # the last complete month
    name = f"巫山县人社局{month.start.year}年{month.start.month}月劳务协作调度表.xlsx"
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=monthly-dispatch.xlsx;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    book = _book(response.content)
    assert book.sheet_names == SHEETS
    heading = f"{month.start.year}年{month.start.month}月劳务协作调度表"

    for sheet in SHEETS:
        rows = _rows(book, sheet)
        width = len(rows[2])
        assert rows[0][0] == f"{heading}（{sheet}）"
        merged = book.get_sheet_by_name(sheet).merged_cell_ranges
        assert ((0, 0), (0, width - 1)) in merged, sheet  # the title across the table
        assert ((1, 0), (1, width - 1)) in merged, sheet  # the unit row
        footer = [c for c in rows[-1] if c]
        assert footer[0] == "填报单位：巫山县人社局", sheet
        assert (
            footer[1]
            == f"编制日期：{clock.today().year}年{clock.today().month}月{clock.today().day}日"
        )

    # 本月指标: every indicator, each figure the statistic's for the same period.
    rows = _rows(book, "本月指标")
    assert rows[2] == ["指标", "单位", "本月", "上月", "环比", "本年累计"]
    by_name = {r[0]: r for r in rows[3:] if r[0] and r[2] != ""}
    last = month.previous()
    year_start = date(month.start.year, 1, 1)
    for indicator in BUILT_IN:
        row = by_name[indicator.name_zh]
        now = _value(wushan, indicator.code, month.start, month.end)
        before = _value(wushan, indicator.code, last.start, last.end)
        to_date = _value(wushan, indicator.code, year_start, month.end)
        assert _number(row[2]) == _cell(now), indicator.code
        assert _number(row[3]) == _cell(before), indicator.code
        assert _number(row[5]) == _cell(to_date), indicator.code
        if now is not None and before is not None:
            assert float(row[4]) == pytest.approx(now - before), indicator.code
        if indicator.measure is Measure.STOCK:
            assert row[5] == row[2], indicator.code
    assert by_name["登记劳动力"][2] >= 3 and by_name["新增转移就业"][2] >= 2
    # Group headers, merged across the table; a 小计 only where the rows add up.
    groups = [r[0] for r in rows[3:] if r[0] and all(c == "" for c in r[1:])]
    assert groups[:3] == ["一、登记", "二、就业", "三、转移"]
    assert "八、驻外服务" in groups and "九、预警" in groups
    merged = book.get_sheet_by_name("本月指标").merged_cell_ranges
    first = next(i for i, r in enumerate(rows) if r[0] == "一、登记")
    assert ((first, 0), (first, 5)) in merged
    subtotals = [i for i, r in enumerate(rows) if r[0] == "小计"]
    assert len(subtotals) == 1
    cases = [by_name[BY_CODE[c].name_zh] for c in BY_CODE if c.startswith("cases_")]
    assert rows[subtotals[0]][2] == sum(r[2] for r in cases)
    assert rows[subtotals[0]][5] == sum(r[5] for r in cases)
    assert rows[subtotals[0] - 1][0] == "劳动纠纷"  # right below the group's rows

    # 分乡镇: one row a township and 合计, which adds up and is the county's figure.
    rows = _rows(book, "分乡镇")
    header = rows[2]
    assert header[0] == "乡镇" and header[1] == "登记劳动力（人）"
    township_codes = [i for i in BUILT_IN if i.by_township]
    assert len(header) == 1 + len(township_codes)
    body = [r for r in rows[3:] if r[0]]
    total = next(r for r in body if r[0] == "合计")
    townships = body[: body.index(total)]
    mine = next(r for r in townships if r[0] == TOWNSHIP)
    assert mine[1] == 3  # registered
    assert mine[1 + township_codes.index(BY_CODE["transfers"])] == 2
    for col, indicator in enumerate(township_codes, start=1):
        if indicator.is_rate:
            continue
        assert total[col] == sum(r[col] for r in townships), indicator.code
        assert total[col] == _value(wushan, indicator.code, month.start, month.end)
    assert total[1] == _value(wushan, "registered", month.start, month.end)

    # 目标进度: the pairing's targets, done up to the month end.
    rows = _rows(book, "目标进度")
    assert rows[2] == ["指标", "年度目标", "累计完成", "完成率(%)", "时序进度(%)", "进度"]
    progress = _progress(world, month.start.year, month.end)
    transfers = next(r for r in rows if r[0] == "新增转移就业（人）")
    expected = progress["laborers_transferred"]
    assert transfers[1:] == [
        40,
        expected.actual,
        expected.percent_done,
        expected.expected_percent,
        "落后" if expected.behind else "正常",
    ]
    assert next(r for r in rows if r[0] == "联合招聘会场次（场）")[1] == 6
    assert any(r[0] == "巫山县人社局 — 烟台市人社局" for r in rows)

    # Frozen below the headers; A4 landscape, one page wide, the headers on every page.
    with zipfile.ZipFile(io.BytesIO(response.content)) as files:
        workbook = files.read("xl/workbook.xml").decode()
        for n, sheet in enumerate(SHEETS, start=1):
            xml = files.read(f"xl/worksheets/sheet{n}.xml").decode()
            assert re.search(r'<pane [^>]*ySplit="3"[^>]*state="frozen"', xml), sheet
            assert 'paperSize="9"' in xml and 'orientation="landscape"' in xml, sheet
            assert '<pageSetUpPr fitToPage="1"/>' in xml and 'fitToHeight="0"' in xml, sheet
            titles = rf'<definedName name="_xlnm.Print_Titles" localSheetId="{n - 1}">'
            assert re.search(titles + rf"'?{sheet}'?!\$1:\$3<", workbook), sheet


def test_a_month_of_choice_and_bad_months_are_refused(world, login):
    wushan = login("wushan.staff")
    march = _ok(wushan.get("/api/v1/reports/monthly-dispatch", params={"period": "2025-03"}))
    assert quote("巫山县人社局2025年3月劳务协作调度表.xlsx") in march.headers["content-disposition"]
    rows = _rows(_book(march.content), "本月指标")
    assert rows[0][0] == "2025年3月劳务协作调度表（本月指标）"
    registered = next(r for r in rows if r[0] == "登记劳动力")
    assert registered[2] == _value(wushan, "registered", date(2025, 3, 1), date(2025, 3, 31))
    # No targets for 2025 in the demo: the sheet says so rather than being empty.
    assert _rows(_book(march.content), "目标进度")[3][0] == "2025年无协作目标"

    for bad, says in (
        ("2026-13", "月份须在01至12之间"),
        ("2026-Q4", "不是月份"),
        ("nonsense", "2026-W49"),
        ("0001-01", "年份须在2000至2100之间"),
    ):
        refused = wushan.get("/api/v1/reports/monthly-dispatch", params={"period": bad})
        assert refused.status_code == 422, bad
        [error] = refused.json()["errors"]
        assert (error["field"], error["code"]) == ("period", "invalid_period")
        assert says in error["message"] and "2026-11" in error["message"], error


def test_a_receiving_bureau_pack_has_no_township_of_the_county(world, login, month):
    _register(login, (month.start + timedelta(days=2)).isoformat())
    yantai = login("yantai.staff")
    response = _ok(yantai.get("/api/v1/reports/monthly-dispatch"))
    assert quote(f"烟台市人社局{month.label_zh}") in response.headers["content-disposition"]
    book = _book(response.content)
    assert book.sheet_names == SHEETS
    rows = [r for r in _rows(book, "分乡镇")[3:] if r[0]]
    # Only the 合计 row, of nothing: the receiving bureau reads no register.
    assert rows[0][0] == "合计" and all(c in (0, "—") for c in rows[0][1:])
    assert rows[1][0].startswith("填报单位：烟台市人社局")
    assert all(TOWNSHIP not in str(c) for r in _rows(book, "分乡镇") for c in r)
    indicators = {r[0]: r for r in _rows(book, "本月指标")}
    assert indicators["登记劳动力"][2] == 0
