"""The laborer's fields, declared once.

Each entry says what a field is (type, vocabulary, limits), how the ledger (台账) names
it (column header and the other headers county ledgers use), how the form shows it
(label, fieldset, hint), how it is stored (a column, encrypted, tags, the latest survey,
or derived from the ID number), how it is masked and who may edit it. The API schemas
(`api/supply/schemas.py`), the ledger's columns (`ledger.py`), the bulk repository's
column lists, the export and the registration form are all built from this tuple, so
adding a field is one entry here plus a migration (tests/unit/test_laborer_fields.py
fails on a field missing anywhere).

Labels are English msgids (the catalog has the Chinese); ledger headers are Chinese
whatever the page language, because they are a file format.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from api.i18n import _
from shared_models import enums


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    ENUM = "enum"
    LIST = "list"  # of words (cities, certificates)
    OCCUPATIONS = "occupations"  # of occupation names with their codes


class Stored(StrEnum):
    COLUMN = "column"  # a plain column of `laborers`
    ENCRYPTED = "encrypted"  # <name>_cipher, _hash and _masked columns
    TAGS = "tags"  # rows of `laborer_tags`
    SURVEY = "survey"  # last_<name> on the laborer, a row of `laborer_surveys`
    DERIVED = "derived"  # computed from the ID number: written to ledgers, never read


class Mask(StrEnum):
    ID_NUMBER = "id_number"  # 500237********123X
    PHONE = "phone"  # 138****5678


# Form fieldsets, in order.
IDENTITY, HOUSEHOLD, FIVE_CLEARS, INTENTIONS = (
    _("Identity and contact"),
    _("Household"),
    _("Five clears"),
    _("Skills and intentions"),
)
GROUPS = (IDENTITY, HOUSEHOLD, FIVE_CLEARS, INTENTIONS)
LIST_LIMIT = 20


@dataclass(frozen=True)
class LaborerField:
    name: str
    label: str  # English msgid
    header: str  # the ledger's column
    kind: Kind = Kind.TEXT
    enum: type[StrEnum] | None = None
    synonyms: tuple[str, ...] = ()  # other ledger headers for the same column
    required: bool = False  # on registration (API, form and ledger row)
    default: Any = None  # when not given on registration
    max_length: int | None = None
    stored: Stored = Stored.COLUMN
    mask: Mask | None = None
    liaison_edits: bool = False  # a liaison office may change it (else sending bureau only)
    # False: set on registration only; a survey changes it later (the five clears but
    # the status, which a liaison office keeps current between surveys).
    on_edit: bool = True
    group: str = IDENTITY
    hint: str = ""  # msgid shown under the form input
    edit_label: str = ""  # msgid of the label when editing, if not `label`
    attrs: str = ""  # extra HTML attributes of the form input
    width: int = 12  # ledger column width
    as_text: bool = False  # ledger column formatted as text (digits must stay text)

    @property
    def input(self) -> bool:
        """Entered by people (API, form, ledger); derived fields are only written."""
        return self.stored is not Stored.DERIVED

    @property
    def widget(self) -> str:
        """The form's input: select, check, textarea, or an <input> type."""
        if self.kind is Kind.ENUM:
            return "select"
        if self.kind is Kind.BOOL:
            return "check"
        if self.kind in (Kind.LIST, Kind.OCCUPATIONS) or (self.max_length or 0) > 100:
            return "textarea"
        if self.mask is Mask.PHONE:
            return "tel"
        return {Kind.INT: "number", Kind.DATE: "date"}.get(self.kind, "text")

    @property
    def emptiable(self) -> bool:
        """An update may set it to null (an optional field without a default)."""
        return not self.required and self.default is None


def _text(name: str, label: str, header: str, max_length: int, **kw: Any) -> LaborerField:
    return LaborerField(name, label, header, max_length=max_length, **kw)


def _enum(name: str, label: str, header: str, enum: type[StrEnum], **kw: Any) -> LaborerField:
    return LaborerField(name, label, header, Kind.ENUM, enum, **kw)


def _surveyed(
    name: str, label: str, header: str, enum: type[StrEnum], width: int = 12
) -> LaborerField:
    """One of the five clears a survey records: none until known, set on registration."""
    return _enum(
        name,
        label,
        header,
        enum,
        default=enum("none"),
        on_edit=False,
        group=FIVE_CLEARS,
        width=width,
    )


def _flag(name: str, label: str, header: str, group: str) -> LaborerField:
    return LaborerField(name, label, header, Kind.BOOL, default=False, group=group, width=10)


def _tags(name: str, label: str, header: str, kind: Kind, width: int, **kw: Any) -> LaborerField:
    return LaborerField(
        name, label, header, kind, stored=Stored.TAGS, group=INTENTIONS, width=width, **kw
    )


_CODES_HINT = _("Separate with ;  add the occupation code in brackets: 焊工(6-18-02-04)")

FIELDS: tuple[LaborerField, ...] = (
    _text("name", _("Full name"), "姓名", 40, required=True, width=10, attrs='maxlength="20"'),
    _text(
        "id_number",
        _("ID number"),
        "身份证号码",
        30,
        synonyms=("身份证号", "公民身份号码"),
        required=True,
        stored=Stored.ENCRYPTED,
        mask=Mask.ID_NUMBER,
        hint=_("Birth date and sex are taken from it."),
        edit_label=_("Correct the ID number"),
        attrs='maxlength="18" autocomplete="off"',
        width=21,
        as_text=True,
    ),
    LaborerField("sex", _("Sex"), "性别", stored=Stored.DERIVED, width=6),
    # Age, not the birth date: a masked export must not give away what the mask hides.
    LaborerField("age", _("Age"), "年龄", stored=Stored.DERIVED, width=6),
    _text(
        "phone",
        _("Phone"),
        "联系电话",
        20,
        synonyms=("手机号码", "电话"),
        stored=Stored.ENCRYPTED,
        mask=Mask.PHONE,
        liaison_edits=True,
        width=14,
        as_text=True,
    ),
    _text(
        "township",
        _("Township"),
        "乡镇（街道）",
        40,
        synonyms=("乡镇", "乡镇街道"),
        required=True,
        group=HOUSEHOLD,
    ),
    _text(
        "village",
        _("Village"),
        "村（社区）",
        40,
        synonyms=("村", "村社区", "村（居）"),
        required=True,
        group=HOUSEHOLD,
    ),
    _text(
        "household_head",
        _("Head of household"),
        "户主姓名",
        40,
        synonyms=("户主",),
        group=HOUSEHOLD,
        attrs='maxlength="40"',
        width=10,
    ),
    _text(
        "region_code",
        _("Region code"),
        "户籍地区划代码",
        6,
        group=HOUSEHOLD,
        attrs='maxlength="6"',
        width=14,
        as_text=True,
    ),
    _enum(
        "poverty_status",
        _("Poverty status"),
        "脱贫属性",
        enums.PovertyStatus,
        synonyms=("贫困户属性", "人员类别"),
        required=True,
        group=HOUSEHOLD,
        width=15,
    ),
    LaborerField(
        "poverty_year", _("Year recognised"), "认定年度", Kind.INT, group=HOUSEHOLD, width=9
    ),
    _enum("education", _("Education"), "文化程度", enums.Education, group=HOUSEHOLD),
    _enum(
        "health_status",
        _("Health"),
        "健康状况",
        enums.HealthStatus,
        default=enums.HealthStatus.HEALTHY,
        group=HOUSEHOLD,
        width=9,
    ),
    LaborerField(
        "disability_level",
        _("Disability level"),
        "残疾等级",
        Kind.INT,
        group=HOUSEHOLD,
        attrs='min="1" max="4"',
        width=9,
    ),
    _flag("two_after", _("Two-after youth (两后生)"), "是否两后生", HOUSEHOLD),
    _enum(
        "employment_status",
        _("Employment status"),
        "就业状态",
        enums.EmploymentStatus,
        required=True,
        liaison_edits=True,
        group=FIVE_CLEARS,
    ),
    _surveyed("employment_need", _("Employment need"), "就业需求", enums.EmploymentNeed),
    _surveyed("skill_level", _("Skill level"), "技能水平", enums.SkillLevel),
    _surveyed(
        "employment_difficulty",
        _("Employment difficulty"),
        "就业困难",
        enums.EmploymentDifficulty,
    ),
    _surveyed(
        "assistance_measure", _("Assistance measure"), "帮扶对策", enums.AssistanceMeasure, 14
    ),
    LaborerField(
        "surveyed_on",
        _("Survey date"),
        "摸底日期",
        Kind.DATE,
        stored=Stored.SURVEY,
        on_edit=False,
        group=FIVE_CLEARS,
        width=11,
    ),
    _text(
        "surveyor",
        _("Surveyor"),
        "摸底人",
        40,
        stored=Stored.SURVEY,
        on_edit=False,
        group=FIVE_CLEARS,
        width=10,
    ),
    _flag("transfer_willing", _("Willing to transfer for work"), "是否愿意转移就业", INTENTIONS),
    _enum("transfer_scope", _("How far"), "意向就业地域", enums.TransferScope, group=INTENTIONS),
    _tags("preferred_cities", _("Preferred cities"), "意向城市", Kind.LIST, 16),
    _tags("preferred_industries", _("Preferred industries"), "意向行业", Kind.LIST, 16),
    LaborerField(
        "expected_wage",
        _("Expected monthly wage (yuan)"),
        "期望月薪（元）",
        Kind.INT,
        synonyms=("期望月薪",),
        group=INTENTIONS,
        attrs='min="0"',
        width=10,
    ),
    _flag(
        "entrepreneurship_intention", _("Wants to start a business"), "是否有创业意愿", INTENTIONS
    ),
    _tags(
        "skills",
        _("Skills"),
        "技能（工种）",
        Kind.OCCUPATIONS,
        22,
        synonyms=("技能", "工种"),
        hint=_CODES_HINT,
    ),
    _tags("certificates", _("Certificates"), "职业资格证书", Kind.LIST, 18, synonyms=("证书",)),
    _tags("training_needs", _("Training needs"), "培训需求", Kind.OCCUPATIONS, 18),
    _text("note", _("Note"), "备注", 500, liaison_edits=True, group=INTENTIONS, width=24),
)

BY_NAME = {f.name: f for f in FIELDS}
INPUT = tuple(f for f in FIELDS if f.input)
# Columns of `laborers` that hold a field's value as it is (no encryption, no tags).
PLAIN_COLUMNS = tuple(f.name for f in FIELDS if f.stored is Stored.COLUMN)
# Columns of `laborers` that hold the last survey's values.
SURVEY_COLUMNS = tuple(f"last_{f.name}" for f in FIELDS if f.stored is Stored.SURVEY)
LIAISON_FIELDS = frozenset(f.name for f in FIELDS if f.liaison_edits)
# An update may not set these to null: required, or with a default.
NOT_EMPTIABLE = tuple(f.name for f in INPUT if f.on_edit and not f.emptiable and f.mask is None)


def encrypted_columns(*parts: str) -> tuple[str, ...]:
    """The columns of encrypted fields: <name>_cipher (decrypted on reveal), _hash (keyed,
    for lookups and comparison) and _masked (shown)."""
    return tuple(
        f"{f.name}_{part}" for f in FIELDS if f.stored is Stored.ENCRYPTED for part in parts
    )


def in_group(group: str) -> tuple[LaborerField, ...]:
    return tuple(f for f in INPUT if f.group == group)
