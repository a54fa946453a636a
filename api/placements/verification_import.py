"""Bulk stay verification from an employer's or the social-insurance monthly list.

Rows name a worker by ID number (the name, when given, must agree). A row in error (a
bad number, an unreadable month) stops the whole file: nothing is saved. A valid row
whose worker is not in the register, or had no placement that month, is reported as
unmatched; the rest are applied together, or none of them. A kind of import on the one
pipeline (api/imports/pipeline.py), kept as no batch: the list is checked and saved at once."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.errors import FieldError, Forbidden
from api.i18n import _
from api.imports import pipeline
from api.placements import repository, service, verification
from api.security.pii import PiiCipher
from api.spreadsheets.cells import (
    CellError,
    Column,
    cell_text,
    header_index,
    read_bool,
    read_cells,
    read_text,
)
from api.supply import repository as supply_repository
from api.supply.convert import id_hash
from api.supply.records import ID_MESSAGES
from shared_models.enums import EvidenceSource
from shared_models.validators.idnumber import IdNumberError, parse

MAX_ROWS = 100_000
MAX_REPORTED = 1_000


def _id_number(cell: Any) -> str:
    try:
        return parse(cell_text(cell), today=clock.today()).value
    except IdNumberError as exc:
        raise CellError(ID_MESSAGES[exc.reason], "id_" + exc.reason) from None


def _month(cell: Any) -> date | None:
    if cell in (None, ""):
        return None
    if isinstance(cell, date):
        return cell.replace(day=1)
    text = cell_text(cell).replace("/", "-").replace("年", "-").replace("月", "")
    parts = text.split("-")
    try:
        return date(int(parts[0]), int(parts[1]), 1)
    except (ValueError, IndexError):
        raise CellError(_("Give the month as YYYY-MM."), "month_format") from None


COLUMNS = [
    Column("身份证号码", "id_number", _id_number, required=True, text=True),
    Column("姓名", "name", read_text),
    Column("核实月份", "month", _month),
    Column("是否在岗", "in_post", read_bool),
]
ALIASES = {"公民身份号码": "id_number", "身份证号": "id_number", "月份": "month", "所属期": "month"}
INDEX = header_index(COLUMNS, ALIASES)
REQUIRED = [c for c in COLUMNS if c.required]


@dataclass
class Match:
    number: int
    placement_id: uuid.UUID
    laborer_id: uuid.UUID
    month: date
    in_post: bool


@dataclass
class Outcome(pipeline.Plan):
    matched: list[Match] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    saved: bool = False

    def counts(self) -> dict[str, int]:
        return {"matched": len(self.matched), "unmatched": len(self.unmatched)}


Values = dict[str, Any]


@dataclass
class VerificationList:
    """The monthly list's columns and row rules: `month` stands for rows without one."""

    cipher: PiiCipher
    source: EvidenceSource
    month: date | None
    filename: str
    today: date
    sheet = pipeline.Sheet(
        INDEX, REQUIRED, max_rows=MAX_ROWS, too_many_rows_code="file_too_many_rows"
    )

    def new_plan(self) -> Outcome:
        return Outcome()

    def read_row(
        self, number: int, cells: list[Any], layout: pipeline.Layout
    ) -> pipeline.RowRead[Values] | None:
        parsed = read_cells(number, cells, layout.columns, layout.formulas, REQUIRED)
        if parsed is None:
            return None
        values, errors = parsed
        values["month"] = values.get("month") or self.month
        if values["month"] is None and not errors:
            errors.append(
                FieldError(
                    "month",
                    _("Give the month in the file or in the form."),
                    "missing",
                    row=number,
                    column="核实月份",
                )
            )
        return pipeline.RowRead(None if errors else values, errors)

    def check_file(self, rows: list[tuple[int, Values]], plan: Outcome) -> list[tuple[int, Values]]:
        return rows  # a worker may be on the list twice: once a month

    def compare(
        self,
        session: Session,
        access: AccessContext,
        rows: list[tuple[int, Values]],
        plan: Outcome,
    ) -> None:
        hashes = {number: id_hash(self.cipher, values["id_number"]) for number, values in rows}
        laborers = supply_repository.by_hashes(session, access, list(set(hashes.values())))
        by_month: dict[date, list[uuid.UUID]] = {}
        for number, values in rows:
            laborer = laborers.get(hashes[number])
            if laborer is not None:
                by_month.setdefault(values["month"], []).append(laborer.id)
        running = {
            (m, lid): p
            for m, ids in by_month.items()
            for lid, p in repository.in_post_during(session, access, ids, m).items()
        }
        for number, values in rows:
            laborer = laborers.get(hashes[number])
            month_of_row = values["month"]
            if laborer is None:
                plan.unmatched.append(
                    {"row": number, "reason": "not_registered", "month": f"{month_of_row:%Y-%m}"}
                )
                continue
            if values.get("name") and values["name"] != laborer.name:
                plan.errors.append(
                    FieldError(
                        "name",
                        _("This ID number is registered as {name}."),
                        "name_mismatch",
                        {"name": laborer.name},
                        row=number,
                        column="姓名",
                    )
                )
                continue
            placement = running.get((month_of_row, laborer.id))
            if placement is None or month_of_row > self.today.replace(day=1):
                plan.unmatched.append(
                    {
                        "row": number,
                        "reason": "no_placement",
                        "month": f"{month_of_row:%Y-%m}",
                        "name": laborer.name,
                    }
                )
                continue
            in_post = values.get("in_post")
            plan.matched.append(
                Match(
                    number,
                    placement.id,
                    laborer.id,
                    month_of_row,
                    True if in_post is None else in_post,
                )
            )

    def write(
        self, session: Session, access: AccessContext, plan: Outcome, batch_id: uuid.UUID | None
    ) -> None:
        for match in plan.matched:
            verification.verify(
                session,
                access,
                match.placement_id,
                month=match.month,
                in_post=match.in_post,
                source=self.source,
                note=f"名单：{self.filename[:60]}",
                today=self.today,
                refresh=False,
            )
        # The whole list is one batch: one event for its laborers, not one per row.
        ids = [m.laborer_id for m in plan.matched]
        verification.batch_recorded(session, access, ids, today=self.today)
        plan.saved = True


def run(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    data: bytes,
    filename: str,
    *,
    source: EvidenceSource,
    month: date | None,
    dry_run: bool,
    today: date | None = None,
) -> Outcome:
    county = next(iter(access.write_ids(DataKind.LABORER)), None)
    if county is None:
        raise Forbidden(
            detail=_("Placements are recorded by the laborer's county and its liaison offices.")
        )
    service.require_county(access, county)
    kind = VerificationList(cipher, source, month, filename, today or clock.today())
    outcome = pipeline.preview(kind, session, access, data, filename)
    if outcome.ok and not dry_run and outcome.matched:
        pipeline.write(kind, session, access, outcome)
    return outcome
