"""The laborer ledger (台账) format: Chinese column headers as county ledgers have them,
how each cell is read and how each value is written.

Import and export use the same columns, so an export re-imports with no changes.
Columns may come in any order; missing optional columns leave existing values alone.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from api import clock
from api.errors import FieldError
from api.i18n import _
from api.spreadsheets.cells import (
    CellError,
    Column,
    cell_text,
    enum_column,
    header_index,
    join_list,
    read_bool,
    read_cells,
    read_date,
    read_int,
    read_list,
    read_text,
)
from api.supply.records import LaborerRecord, Occupation, normalize_phone
from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    HealthStatus,
    PovertyStatus,
    SkillLevel,
    TransferScope,
)

__all__ = ["COLUMNS", "Column", "read_bool", "read_date", "read_list"]

_OCCUPATION = re.compile(r"^(.*?)\s*[(（]\s*([0-9-]+)\s*[)）]\s*$")


def read_id_number(cell: Any) -> str | None:
    if isinstance(cell, float):
        # 18 digits do not fit a spreadsheet number: the last digits are already lost.
        raise CellError(
            _("The ID number was stored as a number and lost digits; format the column as text."),
            "id_as_number",
        )
    return read_text(cell)


def read_phone(cell: Any) -> str | None:
    return normalize_phone(cell_text(cell))


def read_occupations(cell: Any) -> tuple[Occupation, ...]:
    out = []
    for part in read_list(cell):
        match = _OCCUPATION.match(part)
        out.append(Occupation(match.group(1), match.group(2)) if match else Occupation(part))
    return tuple(out)


def write_occupations(values: tuple[Occupation, ...]) -> str:
    return ";".join(o.text() for o in values)


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", read_text, required=True, width=10),
    Column("身份证号码", "id_number", read_id_number, required=True, width=21, text=True),
    Column("性别", "sex", read_text, derived=True, width=6),
    # Age, not the birth date: a masked export must not give away what the mask hides.
    Column("年龄", "age", read_text, derived=True, width=6),
    Column("联系电话", "phone", read_phone, width=14, text=True),
    Column("乡镇（街道）", "township", read_text, required=True),
    Column("村（社区）", "village", read_text, required=True),
    Column("户主姓名", "household_head", read_text, width=10),
    Column("户籍地区划代码", "region_code", read_text, width=14, text=True),
    enum_column("脱贫属性", "poverty_status", PovertyStatus, required=True, width=15),
    Column("认定年度", "poverty_year", read_int, width=9),
    enum_column("文化程度", "education", Education),
    enum_column("健康状况", "health_status", HealthStatus, width=9),
    Column("残疾等级", "disability_level", read_int, width=9),
    Column("是否两后生", "two_after", read_bool, width=10),
    enum_column("就业状态", "employment_status", EmploymentStatus, required=True),
    enum_column("就业需求", "employment_need", EmploymentNeed),
    enum_column("技能水平", "skill_level", SkillLevel),
    enum_column("就业困难", "employment_difficulty", EmploymentDifficulty),
    enum_column("帮扶对策", "assistance_measure", AssistanceMeasure, width=14),
    Column("摸底日期", "surveyed_on", read_date, width=11),
    Column("摸底人", "surveyor", read_text, width=10),
    Column("是否愿意转移就业", "transfer_willing", read_bool, width=10),
    enum_column("意向就业地域", "transfer_scope", TransferScope),
    Column("意向城市", "preferred_cities", read_list, join_list, width=16),
    Column("意向行业", "preferred_industries", read_list, join_list, width=16),
    Column("期望月薪（元）", "expected_wage", read_int, width=10),
    Column("是否有创业意愿", "entrepreneurship_intention", read_bool, width=10),
    Column("技能（工种）", "skills", read_occupations, write_occupations, width=22),
    Column("职业资格证书", "certificates", read_list, join_list, width=18),
    Column("培训需求", "training_needs", read_occupations, write_occupations, width=18),
    Column("备注", "note", read_text, width=24),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)


# Headers county ledgers also use for the same columns.
HEADER_INDEX = header_index(
    COLUMNS,
    {
        "身份证号": "id_number",
        "公民身份号码": "id_number",
        "手机号码": "phone",
        "电话": "phone",
        "乡镇": "township",
        "乡镇街道": "township",
        "村": "village",
        "村社区": "village",
        "村（居）": "village",
        "贫困户属性": "poverty_status",
        "人员类别": "poverty_status",
        "期望月薪": "expected_wage",
        "户主": "household_head",
        "技能": "skills",
        "工种": "skills",
        "证书": "certificates",
    },
)


@dataclass
class ParsedRow:
    number: int
    record: LaborerRecord | None
    present: frozenset[str]
    errors: list[FieldError]


def parse_row(
    number: int,
    cells: list[Any],
    columns: list[Column | None],
    formulas: set[tuple[int, int]],
    default_region: str,
) -> ParsedRow | None:
    """One spreadsheet row → a record (or its errors). None for an empty row."""
    read = read_cells(number, cells, columns, formulas, REQUIRED)
    if read is None:
        return None
    values, errors = read
    present = frozenset(values)
    if errors:
        return ParsedRow(number, None, present, errors)
    fields = {k: v for k, v in values.items() if v is not None}
    fields.setdefault("region_code", default_region)
    return ParsedRow(number, LaborerRecord(**fields), present, [])


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def row_values(record: LaborerRecord, *, sex: str, birth_date: date) -> list[Any]:
    """A record as the ledger writes it, column by column."""
    derived = {"sex": sex, "age": age_on(birth_date, clock.today())}
    out = []
    for column in COLUMNS:
        if column.derived:
            out.append(derived[column.field])
        else:
            out.append(column.write(getattr(record, column.field)))
    return out
