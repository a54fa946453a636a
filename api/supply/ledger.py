"""The laborer ledger (台账) format: Chinese column headers as county ledgers have them,
how each cell is read and how each value is written.

Import and export use the same columns, so an export re-imports with no changes.
Columns may come in any order; missing optional columns leave existing values alone.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from api.errors import FieldError
from api.i18n import _
from api.spreadsheets.writer import ColumnSpec
from api.supply import vocabulary
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

_LIST_SPLIT = re.compile(r"[;；,，、\n]+")
_OCCUPATION = re.compile(r"^(.*?)\s*[(（]\s*([0-9-]+)\s*[)）]\s*$")
_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


class CellError(ValueError):
    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message)
        self.message, self.code, self.params = message, code, params


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_text(cell: Any) -> str | None:
    return _text(cell) or None


def read_id_number(cell: Any) -> str | None:
    if isinstance(cell, float):
        # 18 digits do not fit a spreadsheet number: the last digits are already lost.
        raise CellError(
            _("The ID number was stored as a number and lost digits; format the column as text."),
            "id_as_number",
        )
    return read_text(cell)


def read_phone(cell: Any) -> str | None:
    return normalize_phone(_text(cell))


def read_int(cell: Any) -> int | None:
    text = _text(cell)
    if not text:
        return None
    try:
        return int(float(text)) if float(text).is_integer() else _fail_int()
    except ValueError:
        return _fail_int()


def _fail_int() -> int:
    raise CellError(_("Give a whole number."), "int_parsing")


def read_bool(cell: Any) -> bool | None:
    if isinstance(cell, bool):
        return cell
    text = _text(cell).upper()
    if not text:
        return None
    if text in vocabulary.YES:
        return True
    if text in vocabulary.NO:
        return False
    raise CellError(_("Write 是 or 否."), "unknown_value")


def read_date(cell: Any) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    if not text:
        return None
    match = _DATE_TEXT.fullmatch(text) or (
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text) if text.isdigit() else None
    )
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise CellError(_("This date does not exist."), "impossible_date") from None
    raise CellError(_("Give a date as YYYY-MM-DD."), "date_parsing")


def read_list(cell: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for part in _LIST_SPLIT.split(_text(cell)):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return tuple(seen)


def read_occupations(cell: Any) -> tuple[Occupation, ...]:
    out = []
    for part in read_list(cell):
        match = _OCCUPATION.match(part)
        out.append(Occupation(match.group(1), match.group(2)) if match else Occupation(part))
    return tuple(out)


def enum_reader(enum_class: type[StrEnum]) -> Callable[[Any], StrEnum | None]:
    def read(cell: Any) -> StrEnum | None:
        text = _text(cell)
        if not text:
            return None
        value = vocabulary.lookup(enum_class, text)
        if value is None:
            raise CellError(
                _("Unknown value {value}; use one of: {choices}."),
                "unknown_value",
                value=text,
                choices=vocabulary.choices(enum_class),
            )
        return value

    return read


def write_occupations(values: tuple[Occupation, ...]) -> str:
    return ";".join(o.text() for o in values)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    read: Callable[[Any], Any]
    write: Callable[[Any], Any] = lambda value: value
    required: bool = False
    width: int = 12
    text: bool = False
    enum: type[StrEnum] | None = None
    derived: bool = False  # written for readers, ignored on import

    def spec(self) -> ColumnSpec:
        choices = tuple(w[0] for w in vocabulary.WORDS[self.enum].values()) if self.enum else ()
        if self.read is read_bool:
            choices = ("是", "否")
        return ColumnSpec(self.header, self.width, self.text, choices)


def _enum_column(header: str, field: str, enum: type[StrEnum], **kw: Any) -> Column:
    return Column(header, field, enum_reader(enum), vocabulary.word, enum=enum, **kw)


def _join(values: tuple[str, ...]) -> str:
    return ";".join(values)


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", read_text, required=True, width=10),
    Column("身份证号码", "id_number", read_id_number, required=True, width=21, text=True),
    Column("性别", "sex", read_text, derived=True, width=6),
    # Age, not the birth date: a masked export must not give away what the mask hides.
    Column("年龄", "age", read_text, derived=True, width=6),
    Column("联系电话", "phone", read_phone, width=14, text=True),
    Column("乡镇（街道）", "township", read_text, required=True),
    Column("村（社区）", "village", read_text, required=True),
    Column("户籍地区划代码", "region_code", read_text, width=14, text=True),
    _enum_column("脱贫属性", "poverty_status", PovertyStatus, required=True, width=15),
    Column("认定年度", "poverty_year", read_int, width=9),
    _enum_column("文化程度", "education", Education),
    _enum_column("健康状况", "health_status", HealthStatus, width=9),
    Column("残疾等级", "disability_level", read_int, width=9),
    Column("是否两后生", "two_after", read_bool, width=10),
    _enum_column("就业状态", "employment_status", EmploymentStatus, required=True),
    _enum_column("就业需求", "employment_need", EmploymentNeed),
    _enum_column("技能水平", "skill_level", SkillLevel),
    _enum_column("就业困难", "employment_difficulty", EmploymentDifficulty),
    _enum_column("帮扶对策", "assistance_measure", AssistanceMeasure, width=14),
    Column("摸底日期", "surveyed_on", read_date, width=11),
    Column("摸底人", "surveyor", read_text, width=10),
    Column("是否愿意转移就业", "transfer_willing", read_bool, width=10),
    _enum_column("意向就业地域", "transfer_scope", TransferScope),
    Column("意向城市", "preferred_cities", read_list, _join, width=16),
    Column("意向行业", "preferred_industries", read_list, _join, width=16),
    Column("期望月薪（元）", "expected_wage", read_int, width=10),
    Column("是否有创业意愿", "entrepreneurship_intention", read_bool, width=10),
    Column("技能（工种）", "skills", read_occupations, write_occupations, width=22),
    Column("职业资格证书", "certificates", read_list, _join, width=18),
    Column("培训需求", "training_needs", read_occupations, write_occupations, width=18),
    Column("备注", "note", read_text, width=24),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)


def normalize_header(text: str) -> str:
    """'乡镇(街道) ' and '乡镇（街道）' are the same column."""
    return "".join(text.split()).replace("(", "（").replace(")", "）")


HEADER_INDEX = {normalize_header(c.header): c for c in COLUMNS}
# Headers county ledgers also use for the same columns.
for alias, field in {
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
    "技能": "skills",
    "工种": "skills",
    "证书": "certificates",
}.items():
    HEADER_INDEX.setdefault(normalize_header(alias), BY_FIELD[field])


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
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    blank = True
    for index, column in enumerate(columns):
        cell = cells[index] if index < len(cells) else None
        if cell not in (None, ""):
            blank = False
        if column is None or column.derived:
            continue
        if (number, index) in formulas:
            errors.append(
                _cell_error(
                    number,
                    column,
                    _("A formula is not accepted here; enter the value itself."),
                    "formula",
                )
            )
            continue
        try:
            values[column.field] = column.read(cell)
        except CellError as exc:
            errors.append(_cell_error(number, column, exc.message, exc.code, exc.params))
    if blank:
        return None
    present = frozenset(values)
    for column in REQUIRED:
        already = any(e.field == column.field for e in errors)
        if values.get(column.field) in (None, "") and not already:
            errors.append(_cell_error(number, column, _("This field is required."), "missing"))
    if errors:
        return ParsedRow(number, None, present, errors)
    fields = {k: v for k, v in values.items() if v is not None}
    fields.setdefault("region_code", default_region)
    return ParsedRow(number, LaborerRecord(**fields), present, [])


def _cell_error(
    number: int, column: Column, message: str, code: str, params: dict | None = None
) -> FieldError:
    return FieldError(column.field, message, code, params or {}, row=number, column=column.header)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def row_values(record: LaborerRecord, *, sex: str, birth_date: date) -> list[Any]:
    """A record as the ledger writes it, column by column."""
    derived = {"sex": sex, "age": age_on(birth_date, date.today())}
    out = []
    for column in COLUMNS:
        if column.derived:
            out.append(derived[column.field])
        else:
            out.append(column.write(getattr(record, column.field)))
    return out
