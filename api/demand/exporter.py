"""The pool as a 岗位信息汇总表 (.xlsx) in the import format, and its blank template."""

from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.demand import ledger, repository
from api.demand.pool import PoolFilter, effective_status
from api.spreadsheets import vocabulary
from api.spreadsheets.cells import read_bool, read_date, read_list
from api.spreadsheets.streaming import stream_workbook
from api.spreadsheets.writer import LedgerWriter
from shared_models import Vacancy

SHEET = "岗位信息汇总表"


def _writer(target: IO[bytes]) -> LedgerWriter:
    return LedgerWriter(target, SHEET, [c.spec() for c in ledger.COLUMNS])


def row_values(vacancy: Vacancy, today: date) -> list[Any]:
    employer = vacancy.employer
    labels = tuple(f for f in ledger.LABEL_WORDS if getattr(employer, f))
    source: dict[str, Any] = {
        "employer_name": employer.name,
        "credit_code": employer.credit_code,
        "industry": employer.industry,
        "labels": labels,
        "size": employer.size,
        "occupation": (vacancy.occupation_name, vacancy.occupation_code),
        "skills": tuple(s.name for s in vacancy.skills),
        "status": effective_status(vacancy, today),
        "contact_name": employer.contact_name,
        "contact_phone": employer.contact_phone,
        "open_disputes": employer.open_disputes,
    }
    cells = []
    for column in ledger.COLUMNS:
        value = source[column.field] if column.field in source else getattr(vacancy, column.field)
        cells.append(column.write(value) if value is not None else None)
    return cells


def pool_chunks(session: Session, access: AccessContext, f: PoolFilter) -> Iterator[bytes]:
    """The pool as .xlsx bytes, one chunk per batch of vacancies (a streamed download)."""
    today = clock.today()
    batches = (
        [row_values(v, today) for v in batch]
        for batch in repository.stream_vacancies(session, access, f, today)
    )
    yield from stream_workbook(SHEET, [c.spec() for c in ledger.COLUMNS], batches)


def write_template(target: IO[bytes]) -> None:
    writer = _writer(target)
    writer.add_choices()
    lines = [("列名", "填写说明")]
    for column in ledger.COLUMNS:
        if column.derived:
            lines.append((column.header, "导出时填写，导入时忽略。"))
            continue
        note = "必填。" if column.required else "选填。"
        if column.enum is not None:
            note += "可填：" + vocabulary.choices(column.enum) + "。"
        elif column.read is read_bool:
            note += "填“是”或“否”。"
        elif column.read is read_list:
            note += "多项用分号“;”分隔。"
        elif column.read is read_date:
            note += "日期，如 2026-12-01。"
        note += NOTES.get(column.field, "")
        lines.append((column.header, note))
    writer.add_notes_sheet("填写说明", lines)
    writer.close()


NOTES = {
    "credit_code": "18 位统一社会信用代码，请将本列设为文本格式；同一企业多行须填同一名称。",
    "labels": "可填：就业扶贫基地、扶贫车间、示范车间。",
    "title": "同一企业同名岗位再次导入时更新该岗位。",
    "occupation": "职业编码可写在括号内，如：电子设备装接工(6-25-04-07)。",
    "region_code": "6 位行政区划代码；不填则为本局代码。",
    "city": "不填则按区划代码推算，如 370602 → 烟台。",
    "valid_from": "不填则为导入当天。",
    "valid_until": "过期后岗位自动显示为已过期。",
    "status": "填“招聘中”或“暂停”；已招满、已过期由系统判断。",
}
