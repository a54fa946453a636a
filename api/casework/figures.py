"""The figures liaison offices report, computed from the cases: visits made, people
helped, hardship aid paid, disputes handled by kind, money involved and recovered; per
month of a year (or one month), with the period's total; and as an Excel sheet.

Every case counts in the month of its date (`occurred_on`). Hardship aid counts as paid
once its case is resolved or closed; disputes count whatever their status.
"""

from dataclasses import dataclass, field
from typing import IO

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.casework import repository
from api.spreadsheets.writer import ColumnSpec, LedgerWriter
from shared_models.enums import CaseKind, CaseStatus, DisputeKind

PAID = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})


@dataclass
class Figures:
    month: int | None
    visits: int = 0
    visit_aid: int = 0
    people_helped: int = 0
    hardship_cases: int = 0
    hardship_aid_paid: int = 0
    onboarding: int = 0
    disputes: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in DisputeKind})
    disputes_total: int = 0
    disputes_settled: int = 0
    amount_disputed: int = 0
    amount_recovered: int = 0

    def add(self, row: repository.FigureRow) -> None:
        if row.kind is CaseKind.VISIT:
            self.visits += row.cases
            self.visit_aid += row.aid
        elif row.kind is CaseKind.HARDSHIP_AID:
            self.hardship_cases += row.cases
            if row.status in PAID:
                self.hardship_aid_paid += row.aid
        elif row.kind is CaseKind.ONBOARDING:
            self.onboarding += row.cases
        else:
            key = (row.dispute_kind or DisputeKind.OTHER).value
            self.disputes[key] += row.cases
            self.disputes_total += row.cases
            if row.status is CaseStatus.RESOLVED:
                self.disputes_settled += row.cases
            self.amount_disputed += row.disputed
            self.amount_recovered += row.recovered


@dataclass
class Report:
    year: int
    month: int | None
    months: list[Figures]
    total: Figures


def compute(session: Session, access: AccessContext, year: int, month: int | None) -> Report:
    months = {m: Figures(month=m) for m in ([month] if month else range(1, 13))}
    total = Figures(month=None)
    for row in repository.figure_rows(session, access, year, month):
        months[row.month].add(row)
        total.add(row)
    per_month, everyone = repository.people_helped(session, access, year, month)
    for m, n in per_month.items():
        months[m].people_helped = n
    total.people_helped = everyone
    return Report(year=year, month=month, months=list(months.values()), total=total)


COLUMNS = [
    ColumnSpec("月份", 10),
    ColumnSpec("走访慰问（次）", 12),
    ColumnSpec("慰问金物（元）", 12),
    ColumnSpec("服务人数", 10),
    ColumnSpec("困难帮扶（件）", 12),
    ColumnSpec("帮扶金额（元）", 12),
    ColumnSpec("入职援助（件）", 12),
    ColumnSpec("工资纠纷", 10),
    ColumnSpec("工伤鉴定", 10),
    ColumnSpec("合同纠纷", 10),
    ColumnSpec("其他纠纷", 10),
    ColumnSpec("纠纷合计", 10),
    ColumnSpec("已解决纠纷", 10),
    ColumnSpec("涉及金额（元）", 14),
    ColumnSpec("追回金额（元）", 14),
]


def _row(label: str, f: Figures) -> list[object]:
    d = f.disputes
    return [
        label,
        f.visits,
        f.visit_aid,
        f.people_helped,
        f.hardship_cases,
        f.hardship_aid_paid,
        f.onboarding,
        d["unpaid_wages"],
        d["work_injury"],
        d["contract"],
        d["other"],
        f.disputes_total,
        f.disputes_settled,
        f.amount_disputed,
        f.amount_recovered,
    ]


def write_xlsx(report: Report, target: IO[bytes], office: str) -> None:
    writer = LedgerWriter(target, f"{report.year}年工作统计", COLUMNS)
    writer.write_rows(_row(f"{report.year}-{f.month:02d}", f) for f in report.months)
    writer.write_rows([_row("合计", report.total)])
    writer.add_notes_sheet(
        "说明",
        [
            ("项目", "口径"),
            ("单位", office),
            ("统计口径", "按事项发生日期（走访日期、帮扶日期、到岗日期、纠纷受理日期）归入月份"),
            ("服务人数", "统计期内各类事项涉及的劳动者，按人去重"),
            ("帮扶金额", "已解决或已结案的困难帮扶事项金额"),
        ],
    )
    writer.close()
