"""The bureaus' table layout shared by the 月调度 pack (packs.py) and a period report's
workbook (report_packs.py): a merged title row, a unit row, a header row, rows grouped
as the bureaus' tables group them, and a footer row with the bureau and the date."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from api.oversight.indicators import Indicator, Unit

UNIT_ZH = {
    Unit.PEOPLE: "人",
    Unit.PERSON_TIMES: "人次",
    Unit.YUAN: "元",
    Unit.COUNT: "个",
    Unit.PERCENT: "%",
}
# A count's own measure word, by code prefix (the rest are 个).
COUNT_WORDS = (("vacancies", "条"), ("fairs_", "场"), ("cases_", "件"), ("warnings_", "条"))

# The groups of 本月指标, in the order of the bureaus' tables, each by its codes'
# prefixes. Referrals and hires sit with the fairs (the issue lists them together);
# subsidies with 稳岗, as they are paid for staying in post (稳岗补贴, 生活适应期补贴), and
# so are the returns after the Spring Festival (back in post after the holiday).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("登记", ("registered",)),
    ("就业", ("employed", "public_posts", "workshop_jobs")),
    ("转移", ("transfers",)),
    ("培训", ("train",)),
    ("岗位", ("vacancies", "positions")),
    ("招聘会", ("fair", "referrals", "hires")),
    ("稳岗", ("reached_", "in_post_", "retention", "spring_", "subsidies")),
    ("驻外服务", ("cases_",)),
    ("预警", ("warnings_",)),
)
OTHER_GROUP = "其他"  # an indicator added later never drops out of the table
# Groups whose rows add up: the liaison cases, one unit (件), each case of one kind.
ADDITIVE_GROUPS = frozenset({"驻外服务"})
NUMERALS = "一二三四五六七八九十"


def group_of(code: str) -> str:
    for name, prefixes in GROUPS:
        if code.startswith(prefixes):
            return name
    return OTHER_GROUP


def unit_zh(found: Indicator) -> str:
    if found.unit is Unit.COUNT:
        for prefix, word in COUNT_WORDS:
            if found.code.startswith(prefix):
                return word
    return UNIT_ZH[found.unit]


def adds_up(group: str, members: Sequence[Indicator]) -> bool:
    """Whether a group's rows may be summed into a 小计 row (see ADDITIVE_GROUPS)."""
    return group in ADDITIVE_GROUPS and len({unit_zh(f) for f in members}) == 1


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        border = {"border": 1, "valign": "vcenter"}
        self.title = book.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )
        self.unit = book.add_format({"font_size": 10})
        self.header = book.add_format(
            {**border, "bold": True, "bg_color": "#E8F3EE", "align": "center", "text_wrap": True}
        )
        self.group = book.add_format({**border, "bold": True, "bg_color": "#F4F4F4"})
        self.text = book.add_format({**border, "text_wrap": True})
        self.center = book.add_format({**border, "align": "center"})
        self.int = book.add_format({**border, "num_format": "#,##0"})
        self.decimal = book.add_format({**border, "num_format": "0.0"})
        self.total_text = book.add_format({**border, "bold": True, "align": "center"})
        self.total_int = book.add_format({**border, "bold": True, "num_format": "#,##0"})
        self.total_decimal = book.add_format({**border, "bold": True, "num_format": "0.0"})
        self.footer = book.add_format({"font_size": 10})


class Table:
    """One sheet: title, unit and header rows, then rows written in order, then the
    footer row; frozen below the headers and set up for printing."""

    def __init__(
        self,
        book: xlsxwriter.Workbook,
        styles: Styles,
        name: str,
        title: str,
        unit: str,
        headers: Sequence[str],
        widths: Sequence[int],
        *,
        freeze_columns: int = 1,
    ) -> None:
        self.sheet: Worksheet = book.add_worksheet(name)
        self.styles = styles
        self.columns = len(headers)
        last = self.columns - 1
        sheet = self.sheet
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 0, last, title, styles.title)
        sheet.merge_range(1, 0, 1, last, unit, styles.unit)
        for index, header in enumerate(headers):
            sheet.write_string(2, index, header, styles.header)
        if any(len(h) > w // 2 for h, w in zip(headers, widths, strict=True)):
            sheet.set_row(2, 45)
        self.row = 3
        sheet.freeze_panes(3, freeze_columns)
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        sheet.repeat_rows(0, 2)
        sheet.center_horizontally()
        sheet.set_footer("&C第 &P 页，共 &N 页")

    def group(self, text: str) -> None:
        self.sheet.merge_range(self.row, 0, self.row, self.columns - 1, text, self.styles.group)
        self.row += 1

    def values(self, cells: Sequence[str | float | None], *, total: bool = False) -> None:
        s = self.styles
        for col, value in enumerate(cells):
            if value is None or isinstance(value, str):
                shown = "—" if value is None else str(value)
                style = s.total_text if total else (s.text if col == 0 else s.center)
                self.sheet.write_string(self.row, col, shown, style)
            elif isinstance(value, int):
                self.sheet.write_number(self.row, col, value, s.total_int if total else s.int)
            else:
                number = float(value)
                style = s.total_decimal if total else s.decimal
                self.sheet.write_number(self.row, col, number, style)
        self.row += 1

    def footer(self, bureau: str, drawn_up: date) -> None:
        row = self.row + 1
        half = max(self.columns // 2, 1)
        left, right = f"填报单位：{bureau}", f"编制日期：{zh_date(drawn_up)}"
        if half > 1:
            self.sheet.merge_range(row, 0, row, half - 1, left, self.styles.footer)
        else:
            self.sheet.write_string(row, 0, left, self.styles.footer)
        if self.columns - half > 1:
            self.sheet.merge_range(row, half, row, self.columns - 1, right, self.styles.footer)
        else:
            self.sheet.write_string(row, half, right, self.styles.footer)
        self.row = row + 1

    def groups(self, indicators: Iterable[Indicator]) -> Iterator[tuple[str, list[Indicator]]]:
        """The indicators by group, in the tables' order, each group's numbered heading
        written before the caller writes its rows; an empty group is left out."""
        names = [name for name, _prefixes in GROUPS] + [OTHER_GROUP]
        grouped: dict[str, list[Indicator]] = {name: [] for name in names}
        for found in indicators:
            grouped[group_of(found.code)].append(found)
        number = 0
        for name in names:
            if grouped[name]:
                self.group(f"{NUMERALS[number]}、{name}")
                number += 1
                yield name, grouped[name]
