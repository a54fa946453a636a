"""The laborer ledger as a kind of import (api/imports/pipeline.py): its row rules,
its comparison with the register (new / updated / unchanged) and its set-based write."""

import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.errors import FieldError
from api.i18n import _
from api.ids import new_id
from api.imports import pipeline
from api.imports.write_behind import WriteBehind
from api.progress import Progress, quiet
from api.security.pii import PiiCipher
from api.spreadsheets.cells import with_column
from api.supply import bulk_repository, convert, derived, ledger
from api.supply.records import SURVEY_FIELDS, LaborerRecord, check_record
from api.supply.service import audit_values
from shared_models.base import utcnow
from shared_models.enums import StateSource


@dataclass
class Plan(pipeline.Plan):
    new: list[LaborerRecord] = field(default_factory=list)
    updated: list[tuple[bulk_repository.StoredLaborer, LaborerRecord, list[str]]] = field(
        default_factory=list
    )
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "updated": len(self.updated), "unchanged": self.unchanged}


Row = tuple[str, LaborerRecord]  # the ID number's digest, the record


@dataclass
class LaborerLedger:
    """The ledger's columns (api/supply/ledger.py) and its row rules, for the pipeline."""

    cipher: PiiCipher
    default_region: str
    recorded_by: uuid.UUID | None = None
    progress: Progress = quiet
    sheet = pipeline.Sheet(ledger.HEADER_INDEX, ledger.REQUIRED)
    batch_kind = "laborers"
    audit_action = "laborer.import"

    def new_plan(self) -> Plan:
        return Plan()

    def read_row(
        self, number: int, cells: list[Any], layout: pipeline.Layout
    ) -> pipeline.RowRead[Row] | None:
        columns, formulas = layout.columns, layout.formulas
        row = ledger.parse_row(number, cells, columns, formulas, self.default_region)
        if row is None:
            return None
        if row.record is None:
            return pipeline.RowRead(None, row.errors)
        problems = check_record(row.record)
        errors = [with_column(p, number, ledger.BY_FIELD) for p in problems] + row.errors
        if errors:
            return pipeline.RowRead(None, errors)
        return pipeline.RowRead(
            (convert.id_hash(self.cipher, row.record.id_number), row.record), []
        )

    def check_file(self, rows: list[tuple[int, Row]], plan: Plan) -> list[tuple[int, Row]]:
        first_row: dict[str, int] = {}
        unique = []
        for number, (digest, record) in rows:
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
            unique.append((number, (digest, record)))
        return unique

    def compare(
        self, session: Session, access: AccessContext, rows: list[tuple[int, Row]], plan: Plan
    ) -> None:
        existing = bulk_repository.existing_by_hash(session, access, [d for _n, (d, _r) in rows])
        compare_fields = [f for f in plan.present if f != "id_number"]
        for _number, (digest, record) in rows:
            stored = existing.get(digest)
            if stored is None:
                plan.new.append(record)
                continue
            before = convert.stored_comparable(stored.row, stored.tags, compare_fields)
            after = convert.comparable(record, self.cipher, compare_fields)
            changed = [f for f in compare_fields if before[f] != after[f]]
            if changed:
                plan.updated.append((stored, record, changed))
            else:
                plan.unchanged += 1

    def write(
        self, session: Session, access: AccessContext, plan: Plan, batch_id: uuid.UUID | None
    ) -> None:
        apply_plan(
            session,
            access,
            self.cipher,
            plan,
            recorded_by=self.recorded_by,
            batch_id=batch_id,
            progress=self.progress,
        )


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
    names the import in each entry of the audit log (None: loaded by the operator).
    Each chunk is built (encrypted, hashed, chained) while the previous one is written."""
    chain = audit.ChainWriter(session, access)
    now = utcnow()
    batch_label = str(batch_id) if batch_id else "operator"
    total = len(plan.new) + len(plan.updated)
    done = 0
    progress("write", done, total)
    with WriteBehind(session) as behind:
        for start in range(0, len(plan.new), WRITE_CHUNK):
            chunk = plan.new[start : start + WRITE_CHUNK]
            new = _new_rows(access, cipher, chunk, chain, recorded_by, now, batch_label)
            behind.submit(partial(_insert_new, session, access, chain, new))
            done += len(chunk)
            progress("write", done, total)
        for start in range(0, len(plan.updated), WRITE_CHUNK):
            changes = plan.updated[start : start + WRITE_CHUNK]
            updates = _update_rows(access, cipher, changes, chain, recorded_by, now)
            behind.submit(partial(_write_updates, session, access, chain, updates))
            done += len(changes)
            progress("write", done, total)
    chain.close()
    if plan.updated:  # changed by the ledger: placements and trainings still count
        derived.refresh(session, access, access.tenant_id, [s.row.id for s, _r, _c in plan.updated])
    if total >= ANALYZE_AFTER:
        bulk_repository.refresh_statistics(session, total)


@dataclass
class _NewRows:
    """One chunk of new laborers as the rows of each table (built without the database)."""

    laborers: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)


def _new_rows(
    access: AccessContext,
    cipher: PiiCipher,
    records: list[LaborerRecord],
    chain: audit.ChainWriter,
    recorded_by: uuid.UUID | None,
    now: Any,
    batch_label: str,
) -> _NewRows:
    tenant = access.tenant_id
    out, changes = _NewRows(), []
    for record in records:
        laborer_id = new_id()
        row = convert.laborer_columns(record, cipher)
        row.update(id=laborer_id, tenant_id=tenant, version=1, created_at=now, updated_at=now)
        out.laborers.append(row)
        out.tags += convert.tag_rows(record, laborer_id, tenant, convert.TAG_FIELDS)
        out.identities.append(
            {"laborer_id": laborer_id, "tenant_id": tenant, "id_number_hash": row["id_number_hash"]}
        )
        # A ledger's survey is the status's source (what api/supply/derived.py would say
        # of a new laborer, with no placement or training yet).
        source, survey_id = StateSource.RECORD.value, None
        if record.surveyed_on:
            out.surveys.append(_survey_row(record, laborer_id, tenant, recorded_by, now))
            source, survey_id = StateSource.SURVEY.value, out.surveys[-1]["id"]
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
    out.audit = chain.link(changes)
    return out


def _insert_new(
    session: Session, access: AccessContext, chain: audit.ChainWriter, rows: _NewRows
) -> None:
    bulk_repository.insert_laborers(session, access, rows.laborers)
    bulk_repository.insert_tags(session, access, rows.tags)
    bulk_repository.insert_identities(session, access, rows.identities)
    bulk_repository.insert_surveys(session, access, rows.surveys)
    chain.insert(rows.audit)


@dataclass
class _UpdateRows:
    """One chunk of changed laborers: their new values, tags and surveys, and entries."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    retag_ids: list[uuid.UUID] = field(default_factory=list)
    retag_kinds: set[str] = field(default_factory=set)
    tags: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)


def _update_rows(
    access: AccessContext,
    cipher: PiiCipher,
    updated: list[tuple[bulk_repository.StoredLaborer, LaborerRecord, list[str]]],
    chain: audit.ChainWriter,
    recorded_by: uuid.UUID | None,
    now: Any,
) -> _UpdateRows:
    tenant = access.tenant_id
    out, changes = _UpdateRows(), []
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
                out.retag_kinds.add(convert.TAG_FIELDS[name][0])
            else:
                row[name] = getattr(record, name)
        out.updates.append(row)
        tag_fields = [n for n in changed if n in convert.TAG_FIELDS]
        if tag_fields:
            out.retag_ids.append(laborer_id)
            out.tags += convert.tag_rows(record, laborer_id, tenant, tag_fields)
        if record.surveyed_on and ({"surveyed_on", *SURVEY_FIELDS} & set(changed)):
            out.surveys.append(_survey_row(record, laborer_id, tenant, recorded_by, now))
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
    out.audit = chain.link(changes)
    return out


def _write_updates(
    session: Session, access: AccessContext, chain: audit.ChainWriter, rows: _UpdateRows
) -> None:
    bulk_repository.update_laborers(session, access, rows.updates)
    if rows.retag_ids:
        bulk_repository.delete_tags(session, access, rows.retag_ids, sorted(rows.retag_kinds))
    bulk_repository.insert_tags(session, access, rows.tags)
    bulk_repository.insert_surveys(session, access, rows.surveys)
    chain.insert(rows.audit)


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
