"""Ledger import: read, check every row, plan (new / updated / unchanged), then commit
all rows or none.

The preview and the commit run the same checks; the commit re-reads the stored upload,
so what is saved is exactly what was previewed, checked again against the registry as
it is at that moment.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.errors import FieldError
from api.i18n import _
from api.ids import new_id
from api.progress import Progress, quiet
from api.security.pii import PiiCipher
from api.spreadsheets.cells import file_error, map_headers, with_column
from api.spreadsheets.reader import Table, UnreadableFile, read_table
from api.supply import bulk_repository, convert, derived, ledger
from api.supply.records import SURVEY_FIELDS, LaborerRecord, check_record
from api.supply.service import audit_values
from shared_models.base import utcnow
from shared_models.enums import StateSource

MAX_REPORTED_ERRORS = 5000


def reported_errors(errors: list[FieldError]) -> list[dict[str, Any]]:
    """A plan's row errors as its summary keeps them, the first MAX_REPORTED_ERRORS."""
    return [
        {
            "row": e.row,
            "column": e.column,
            "field": e.field,
            "code": e.code,
            "message": e.message,
            "params": e.params,
        }
        for e in errors[:MAX_REPORTED_ERRORS]
    ]


FILE_MESSAGES = {
    "type": _("Upload an .xlsx or .csv file (save older .xls files as .xlsx first)."),
    "corrupt": _("The file cannot be read; save it again as .xlsx or UTF-8 .csv."),
    "empty": _("The file is empty."),
    "too_many_rows": _("The file has more than 200,000 rows; split it."),
}


@dataclass
class Plan:
    rows: int = 0
    new: list[LaborerRecord] = field(default_factory=list)
    updated: list[tuple[bulk_repository.StoredLaborer, LaborerRecord, list[str]]] = field(
        default_factory=list
    )
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    present: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "error_count": len(self.errors),
            "ignored_columns": self.ignored_columns,
            "errors": reported_errors(self.errors),
        }


def map_columns(headers: list[str], plan: Plan) -> list[ledger.Column | None]:
    mapped = map_headers(headers, ledger.HEADER_INDEX, ledger.REQUIRED)
    plan.ignored_columns.extend(mapped.ignored)
    plan.errors.extend(mapped.errors)
    plan.present = mapped.present
    return mapped.columns


def plan_import(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    data: bytes,
    filename: str,
    *,
    default_region: str,
    progress: Progress = quiet,
) -> Plan:
    plan = Plan()
    try:
        table: Table = read_table(data, filename)
    except UnreadableFile as exc:
        plan.errors.append(file_error("file_" + exc.reason, FILE_MESSAGES[exc.reason]))
        return plan
    columns = map_columns(table.headers, plan)
    if plan.errors:
        return plan
    parsed: list[tuple[int, LaborerRecord]] = []
    for number, cells in table.rows:
        row = ledger.parse_row(number, cells, columns, table.formulas, default_region)
        if row is None:
            continue
        plan.rows += 1
        if row.record is not None:
            problems = check_record(row.record)
            plan.errors.extend(with_column(p, number, ledger.BY_FIELD) for p in problems)
            if not problems:
                parsed.append((number, row.record))
        plan.errors.extend(row.errors)
        if plan.rows % 5000 == 0:
            progress("check", plan.rows, 0)
    if plan.rows == 0:
        plan.errors.append(file_error("no_rows", _("The file has no data rows.")))
        return plan
    first_row: dict[str, int] = {}
    hashed: list[tuple[str, LaborerRecord]] = []
    for number, record in parsed:
        digest = convert.id_hash(cipher, record.id_number)
        if digest in first_row:
            plan.errors.append(
                FieldError(
                    "id_number",
                    _("This ID number is also on row {row}."),
                    "duplicate_in_file",
                    {"row": first_row[digest]},
                    row=number,
                    column=ledger.BY_FIELD["id_number"].header,
                )
            )
            continue
        first_row[digest] = number
        hashed.append((digest, record))
    plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    if plan.errors:
        return plan
    progress("compare", 0, len(hashed))
    existing = bulk_repository.existing_by_hash(session, access, [h for h, _r in hashed])
    compare_fields = [f for f in plan.present if f != "id_number"]
    for digest, record in hashed:
        stored = existing.get(digest)
        if stored is None:
            plan.new.append(record)
            continue
        before = convert.stored_comparable(stored.row, stored.tags, compare_fields)
        after = convert.comparable(record, cipher, compare_fields)
        changed = [f for f in compare_fields if before[f] != after[f]]
        if changed:
            plan.updated.append((stored, record, changed))
        else:
            plan.unchanged += 1
    return plan


WRITE_CHUNK = 5000  # rows built, written and let go at a time: memory stays flat
IMPORT_AUDIT_FIELDS = ("name", "id_number", "township", "village")
ANALYZE_AFTER = 10_000  # rows written: past this the planner needs fresh statistics


def apply_plan(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    plan: Plan,
    *,
    recorded_by: uuid.UUID | None,
    batch_id: uuid.UUID | None = None,
    progress: Progress = quiet,
) -> None:
    """Write a checked plan in chunks, set-based, all in this transaction. `batch_id`
    names the import in each entry of the audit log (None: loaded by the operator)."""
    chain = audit.ChainWriter(session, access)
    now = utcnow()
    batch_label = str(batch_id) if batch_id else "operator"
    total = len(plan.new) + len(plan.updated)
    done = 0
    for start in range(0, len(plan.new), WRITE_CHUNK):
        chunk = plan.new[start : start + WRITE_CHUNK]
        _write_new(session, access, cipher, chunk, chain, recorded_by, now, batch_label)
        done += len(chunk)
        progress("write", done, total)
    for start in range(0, len(plan.updated), WRITE_CHUNK):
        chunk = plan.updated[start : start + WRITE_CHUNK]
        _write_updates(session, access, cipher, chunk, chain, recorded_by, now)
        done += len(chunk)
        progress("write", done, total)
    chain.close()
    if plan.updated:  # changed by the ledger: placements and trainings still count
        derived.refresh(session, access, access.tenant_id, [s.row.id for s, _r, _c in plan.updated])
    if total >= ANALYZE_AFTER:
        bulk_repository.refresh_statistics(session)


def _write_new(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    records: list[LaborerRecord],
    chain: audit.ChainWriter,
    recorded_by: uuid.UUID | None,
    now: Any,
    batch_label: str,
) -> None:
    tenant = access.tenant_id
    laborers, tags, identities, surveys, changes = [], [], [], [], []
    for record in records:
        laborer_id = new_id()
        row = convert.laborer_columns(record, cipher)
        row.update(id=laborer_id, tenant_id=tenant, version=1, created_at=now, updated_at=now)
        laborers.append(row)
        tags += convert.tag_rows(record, laborer_id, tenant, convert.TAG_FIELDS)
        identities.append(
            {"laborer_id": laborer_id, "tenant_id": tenant, "id_number_hash": row["id_number_hash"]}
        )
        # A ledger's survey is the status's source (what api/supply/derived.py would say
        # of a new laborer, with no placement or training yet).
        source, survey_id = StateSource.RECORD.value, None
        if record.surveyed_on:
            surveys.append(_survey_row(record, laborer_id, tenant, recorded_by, now))
            source, survey_id = StateSource.SURVEY.value, surveys[-1]["id"]
        row.update(
            employment_source=source,
            employment_as_of=record.surveyed_on,
            employment_source_id=survey_id,
            skill_level_source=source,
            skill_level_as_of=record.surveyed_on,
        )
        # The full record is in the register and the file's digest in the batch entry;
        # each creation names the batch and who it is.
        changes.append(
            audit.Change(
                "laborer.create",
                "laborer",
                laborer_id,
                after={**audit_values(record, IMPORT_AUDIT_FIELDS), "import_batch": batch_label},
            )
        )
    bulk_repository.insert_laborers(session, access, laborers)
    bulk_repository.insert_tags(session, access, tags)
    bulk_repository.insert_identities(session, access, identities)
    bulk_repository.insert_surveys(session, access, surveys)
    chain.append(changes)


def _write_updates(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    updated: list[tuple[bulk_repository.StoredLaborer, LaborerRecord, list[str]]],
    chain: audit.ChainWriter,
    recorded_by: uuid.UUID | None,
    now: Any,
) -> None:
    tenant = access.tenant_id
    updates, tags, surveys, changes = [], [], [], []
    retag_ids, retag_kinds = [], set()
    for stored, record, changed in updated:
        laborer_id = stored.row.id
        row: dict[str, Any] = {"id": laborer_id, "updated_at": now}
        for name in changed:
            if name == "phone":
                row.update(convert.phone_columns(record.phone, cipher))
            elif name == "surveyed_on":
                row["last_surveyed_on"] = record.surveyed_on
            elif name == "surveyor":
                row["last_surveyor"] = record.surveyor
            elif name in convert.TAG_FIELDS:
                retag_kinds.add(convert.TAG_FIELDS[name][0])
            else:
                row[name] = getattr(record, name)
        updates.append(row)
        tag_fields = [n for n in changed if n in convert.TAG_FIELDS]
        if tag_fields:
            retag_ids.append(laborer_id)
            tags += convert.tag_rows(record, laborer_id, tenant, tag_fields)
        if record.surveyed_on and ({"surveyed_on", *SURVEY_FIELDS} & set(changed)):
            surveys.append(_survey_row(record, laborer_id, tenant, recorded_by, now))
        elif "employment_status" in changed:
            # A status changed in the ledger without a survey: typed today, like an edit.
            row.update(
                employment_source=StateSource.RECORD.value,
                employment_as_of=clock.today(),
                employment_source_id=None,
            )
        before = convert.stored_comparable(stored.row, stored.tags, changed)
        changes.append(
            audit.Change(
                "laborer.update",
                "laborer",
                laborer_id,
                before=_displayable(before, stored.row),
                after=audit_values(record, changed),
            )
        )
    bulk_repository.update_laborers(session, access, updates)
    if retag_ids:
        bulk_repository.delete_tags(session, access, retag_ids, sorted(retag_kinds))
    bulk_repository.insert_tags(session, access, tags)
    bulk_repository.insert_surveys(session, access, surveys)
    chain.append(changes)


def _survey_row(
    record: LaborerRecord,
    laborer_id: uuid.UUID,
    tenant: uuid.UUID,
    recorded_by: uuid.UUID | None,
    now: Any,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "tenant_id": tenant,
        "laborer_id": laborer_id,
        "surveyed_on": record.surveyed_on,
        "surveyor": record.surveyor or "",
        "recorded_by": recorded_by,
        "note": None,
        "created_at": now,
        **{name: getattr(record, name) for name in SURVEY_FIELDS},
    }


def _displayable(before: dict[str, Any], stored: Any) -> dict[str, Any]:
    out = {}
    for name, value in before.items():
        if name == "phone":
            out[name] = stored.phone_masked
        elif isinstance(value, tuple):
            out[name] = [v.text() if hasattr(v, "text") else v for v in value]
        else:
            out[name] = value
    return out
