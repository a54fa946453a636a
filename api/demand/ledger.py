"""The vacancy list format (岗位信息汇总表) the bureaus exchange: one row per vacancy with
its employer's name, credit code and labels. Import and export use the same columns."""

import re
from typing import Any

from api.i18n import _
from api.spreadsheets.cells import (
    CellError,
    Column,
    enum_column,
    header_index,
    join_list,
    read_bool,
    read_date,
    read_int,
    read_list,
    read_text,
)
from shared_models.enums import Education, EmployerSize, EntryThreshold, VacancyStatus

_OCCUPATION = re.compile(r"^(.*?)\s*[(（]\s*([0-9-]+)\s*[)）]\s*$")

LABEL_WORDS = {
    "is_employment_base": ("就业扶贫基地", "扶贫基地", "就业基地"),
    "is_workshop": ("扶贫车间", "就业扶贫车间"),
    "is_model_workshop": ("示范车间", "就业扶贫示范车间", "扶贫示范车间"),
}


def read_labels(cell: Any) -> tuple[str, ...]:
    labels = []
    for word in read_list(cell):
        found = next((field for field, words in LABEL_WORDS.items() if word in words), None)
        if found is None:
            raise CellError(
                _("Unknown value {value}; use one of: {choices}."),
                "unknown_value",
                value=word,
                choices="、".join(words[0] for words in LABEL_WORDS.values()),
            )
        labels.append(found)
    return tuple(labels)


def write_labels(fields: tuple[str, ...]) -> str:
    return ";".join(LABEL_WORDS[f][0] for f in fields)


def read_occupation(cell: Any) -> tuple[str, str | None] | None:
    text = read_text(cell)
    if text is None:
        return None
    match = _OCCUPATION.match(text)
    return (match.group(1), match.group(2)) if match else (text, None)


def write_occupation(value: tuple[str, str | None]) -> str:
    name, code = value
    return f"{name}({code})" if code else name


def read_credit_code(cell: Any) -> str | None:
    if isinstance(cell, float):
        raise CellError(
            _("The credit code was stored as a number; format the column as text."),
            "credit_code_as_number",
        )
    text = read_text(cell)
    return "".join(text.split()).upper() if text else None


COLUMNS: tuple[Column, ...] = (
    Column("企业名称", "employer_name", read_text, required=True, width=24),
    Column("统一社会信用代码", "credit_code", read_credit_code, required=True, width=21, text=True),
    Column("所属行业", "industry", read_text, required=True, width=12),
    Column("企业标签", "labels", read_labels, write_labels, width=16),
    enum_column("企业规模", "size", EmployerSize, width=11),
    Column("岗位名称", "title", read_text, required=True, width=18),
    Column("工种", "occupation", read_occupation, write_occupation, required=True, width=20),
    Column("招聘人数", "headcount", read_int, required=True, width=9),
    Column("已招人数", "filled", read_int, derived=True, width=9),
    Column("月薪下限（元）", "wage_min", read_int, required=True, width=10),
    Column("月薪上限（元）", "wage_max", read_int, required=True, width=10),
    Column("工作地区划代码", "region_code", read_text, width=14, text=True),
    Column("工作城市", "city", read_text, width=10),
    Column("工作地址", "address", read_text, width=24),
    Column("年龄下限", "age_min", read_int, width=9),
    Column("年龄上限", "age_max", read_int, width=9),
    enum_column("学历要求", "education_min", Education, width=11),
    Column("技能要求", "skills", read_list, join_list, width=18),
    enum_column("入职门槛", "threshold", EntryThreshold, width=10),
    Column("其他要求", "requirements", read_text, width=24),
    Column("包住", "offers_housing", read_bool, width=6),
    Column("包吃", "offers_meals", read_bool, width=6),
    Column("交通接送", "offers_transport", read_bool, width=9),
    Column("五险", "offers_insurance", read_bool, width=6),
    Column("合同期限（月）", "contract_months", read_int, width=10),
    Column("有效期起", "valid_from", read_date, width=11),
    Column("有效期止", "valid_until", read_date, width=11),
    enum_column("岗位状态", "status", VacancyStatus, width=10),
    Column("联系人", "contact_name", read_text, width=10),
    Column("联系电话", "contact_phone", read_text, width=14, text=True),
    # A compliance signal for the pool's readers: disputes with the employer not yet settled.
    Column("未结劳动纠纷（起）", "open_disputes", read_int, derived=True, width=10),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)
HEADER_INDEX = header_index(
    COLUMNS,
    {
        "企业": "employer_name",
        "单位名称": "employer_name",
        "用工单位": "employer_name",
        "信用代码": "credit_code",
        "行业": "industry",
        "岗位": "title",
        "职位名称": "title",
        "职业（工种）": "occupation",
        "需求人数": "headcount",
        "用工人数": "headcount",
        "最低月薪": "wage_min",
        "最高月薪": "wage_max",
        "工作地点": "address",
        "学历": "education_min",
        "技能": "skills",
        "门槛": "threshold",
        "状态": "status",
        "电话": "contact_phone",
    },
)
# Employer details a row carries: used when the row's employer is new to the bureau.
EMPLOYER_COLUMNS = ("employer_name", "industry", "labels", "size", "contact_name", "contact_phone")
