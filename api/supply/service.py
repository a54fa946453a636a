"""Registering, correcting and surveying laborers one at a time; reading the registry."""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import Conflict, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.i18n import _
from api.paging import COUNT_CAP, Paging, capped_total
from api.security.pii import PiiCipher
from api.supply import bulk_repository, convert, derived, repository
from api.supply import fields as declared
from api.supply.records import SURVEY_FIELDS, LaborerRecord, Occupation, check_record
from api.supply.rosters import Roster, RosterFilter
from shared_models import Laborer, LaborerSurvey, LaborerTag
from shared_models.base import utcnow
from shared_models.enums import OrgKind, Permission, StateSource

# A liaison office keeps contact and status current; the county owns the rest.
LIAISON_FIELDS = declared.LIAISON_FIELDS
# What a registration's audit entry holds: every entered field but the survey's.
AUDIT_FIELDS = tuple(f.name for f in declared.INPUT if f.stored is not declared.Stored.SURVEY)


@dataclass
class LaborerView:
    laborer: Laborer
    lists: dict[str, tuple[Any, ...]]
    possible_duplicate: bool


@dataclass
class Page:
    items: list[LaborerView]
    total: int
    total_capped: bool
    page: int
    page_size: int


def audit_values(record: LaborerRecord, fields: Any) -> dict[str, Any]:
    """The named fields as the audit log stores them: text, numbers, lists of text."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(record, name)
        if isinstance(value, tuple):
            value = [v.text() if isinstance(v, Occupation) else v for v in value]
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


def require_county_writer(access: AccessContext) -> None:
    access.require(Permission.WRITE)
    if access.tenant_kind is not OrgKind.SENDING:
        raise Forbidden(detail=_("Only the sending county's bureau registers laborers."))


def _validate(record: LaborerRecord) -> None:
    errors = check_record(record)
    if errors:
        raise ValidationFailed(errors=errors)


def create(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    record: LaborerRecord,
    *,
    recorded_by: uuid.UUID | None = None,
) -> Laborer:
    require_county_writer(access)
    _validate(record)
    existing = repository.by_hash(session, access, convert.id_hash(cipher, record.id_number))
    if existing is not None:
        raise Conflict(
            _("This ID number is already registered here (laborer {id})."),
            params={"id": existing.id},
            extra={"existing_id": str(existing.id)},
        )
    laborer = Laborer(
        id=uuid.uuid4(), tenant_id=access.tenant_id, **convert.laborer_columns(record, cipher)
    )
    repository.add(session, access, laborer)
    tags = convert.tag_rows(record, laborer.id, access.tenant_id, convert.TAG_FIELDS)
    laborer.tags.extend(LaborerTag(**row) for row in tags)
    bulk_repository.insert_identities(
        session,
        access,
        [
            {
                "laborer_id": laborer.id,
                "tenant_id": access.tenant_id,
                "id_number_hash": laborer.id_number_hash,
            }
        ],
    )
    if record.surveyed_on:
        _add_survey_row(session, access, laborer, record, recorded_by)
    session.flush()
    if record.surveyed_on:
        derived.refresh(session, access, access.tenant_id, [laborer.id])
    audit.record(
        session,
        access,
        action="laborer.create",
        entity_type="laborer",
        entity_id=laborer.id,
        after=audit_values(record, AUDIT_FIELDS),
    )
    return laborer


def _add_survey_row(
    session: Session,
    access: AccessContext,
    laborer: Laborer,
    record: LaborerRecord,
    recorded_by: uuid.UUID | None,
) -> None:
    repository.add(
        session,
        access,
        LaborerSurvey(
            id=uuid.uuid4(),
            tenant_id=laborer.tenant_id,
            laborer_id=laborer.id,
            surveyed_on=record.surveyed_on,
            surveyor=record.surveyor,
            recorded_by=recorded_by,
            note=None,
            **{name: getattr(record, name) for name in SURVEY_FIELDS},
        ),
    )


def get(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> LaborerView:
    laborer = repository.get(session, access, laborer_id)
    if laborer is None:
        raise NotFound()
    duplicates = repository.registered_elsewhere(session, access, [laborer.id_number_hash])
    return LaborerView(laborer, convert.tag_values(laborer.tags), bool(duplicates))


def as_record(view: LaborerView) -> LaborerRecord:
    """The stored laborer as a record with masked ID and phone (never decrypted here)."""
    lab = view.laborer
    return convert.record_from_stored(
        lab, lab.tags, id_number=lab.id_number_masked, phone=lab.phone_masked
    )


def update(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    laborer_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
) -> LaborerView:
    view = get(session, access, laborer_id)
    laborer = view.laborer
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.LABORER, laborer.tenant_id):
        raise Forbidden(detail=_("You may read this laborer but not change the record."))
    if access.tenant_kind is OrgKind.LIAISON and set(changes) - LIAISON_FIELDS:
        raise Forbidden(
            detail=_("A liaison office may change only the phone, employment status and note.")
        )
    if laborer.version != version:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": laborer.version, "given": version},
            extra={"current_version": laborer.version},
        )
    id_number = changes.get("id_number")
    current = as_record(view)
    if id_number is None:
        # Keep the stored number: decrypt it only to re-run the checks on the record.
        current.id_number = cipher.decrypt(laborer.id_number_cipher, "id_number")
    if "phone" not in changes and laborer.phone_cipher:
        current.phone = cipher.decrypt(laborer.phone_cipher, "phone")
    updated = replace(current, **changes)
    _validate(updated)
    before = convert.stored_comparable(laborer, laborer.tags, changes)
    after = convert.comparable(updated, cipher, changes)
    if id_number is not None:
        before["id_number"], after["id_number"] = (
            laborer.id_number_hash,
            convert.id_hash(cipher, updated.id_number),
        )
    changed = [k for k in changes if before.get(k) != after.get(k)]
    if not changed:
        return view
    if "id_number" in changed:
        other = repository.by_hash(session, access, after["id_number"])
        if other is not None and other.id != laborer.id:
            raise Conflict(
                _("This ID number is already registered here (laborer {id})."),
                params={"id": other.id},
                extra={"existing_id": str(other.id)},
            )
    before_audit = {k: _display(view, k) for k in changed}
    _apply(session, access, cipher, laborer, updated, changed)
    audit.record(
        session,
        access,
        action="laborer.update",
        entity_type="laborer",
        entity_id=laborer.id,
        before=before_audit,
        after=audit_values(updated, changed),
        tenant_id=laborer.tenant_id,
    )
    return get(session, access, laborer_id)


def _display(view: LaborerView, field: str) -> Any:
    value = getattr(as_record(view), field)
    if isinstance(value, tuple):
        return [v.text() if hasattr(v, "text") else v for v in value]
    return value


def _apply(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    laborer: Laborer,
    record: LaborerRecord,
    changed: list[str],
) -> None:
    columns = convert.laborer_columns(record, cipher)
    for name in changed:
        if name == "id_number":
            for column in (
                "id_number_cipher",
                "id_number_hash",
                "id_number_masked",
                "id_number_tail",
                "sex",
                "birth_date",
            ):
                setattr(laborer, column, columns[column])
            repository.update_identity(session, access, laborer)
        elif name == "phone":
            for column in ("phone_cipher", "phone_hash", "phone_masked"):
                setattr(laborer, column, columns[column])
        elif name not in convert.TAG_FIELDS:
            setattr(laborer, name, getattr(record, name))
    if "employment_status" in changed:
        # Typed by a person today: a fact of today's date (api/supply/derived.py).
        laborer.employment_source = StateSource.RECORD
        laborer.employment_as_of, laborer.employment_source_id = clock.today(), None
    laborer.updated_at = utcnow()  # with the fields above: one UPDATE, one version step
    tag_fields = [n for n in changed if n in convert.TAG_FIELDS]
    if tag_fields:
        # Dated today, so a training need entered again after a course is not cleared.
        new = [
            LaborerTag(**row, as_of=clock.today())
            for row in convert.tag_rows(record, laborer.id, laborer.tenant_id, tag_fields)
        ]
        kinds: set[str] = {convert.TAG_FIELDS[n][0] for n in tag_fields}
        repository.replace_tags(session, access, laborer, kinds, new)
    session.flush()
    if "employment_status" in changed:  # the current job follows the edited status
        derived.refresh(session, access, laborer.tenant_id, [laborer.id])


def add_survey(
    session: Session,
    access: AccessContext,
    laborer_id: uuid.UUID,
    *,
    surveyed_on: date,
    surveyor: str,
    note: str | None,
    values: dict[str, Any],
) -> LaborerSurvey:
    """A door-to-door survey (走访摸底). The latest one becomes the laborer's current 五清."""
    view = get(session, access, laborer_id)
    laborer = view.laborer
    require_county_writer(access)
    if surveyed_on > clock.today():
        raise ValidationFailed(
            errors=[FieldError("surveyed_on", _("The date is in the future."), "future")]
        )
    survey = LaborerSurvey(
        id=uuid.uuid4(),
        tenant_id=laborer.tenant_id,
        laborer_id=laborer.id,
        surveyed_on=surveyed_on,
        surveyor=surveyor,
        recorded_by=access.user_id,
        note=note,
        **values,
    )
    repository.add(session, access, survey)
    if laborer.last_surveyed_on is None or surveyed_on >= laborer.last_surveyed_on:
        for name in SURVEY_FIELDS:
            setattr(laborer, name, values[name])
        laborer.last_surveyed_on, laborer.last_surveyor = surveyed_on, surveyor
        laborer.updated_at = utcnow()
        session.flush()
    derived.refresh(session, access, laborer.tenant_id, [laborer.id])
    audit.record(
        session,
        access,
        action="laborer.survey",
        entity_type="laborer",
        entity_id=laborer.id,
        after={"surveyed_on": surveyed_on, "surveyor": surveyor, **values},
    )
    return survey


def surveys(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[LaborerSurvey]:
    get(session, access, laborer_id)
    return list(repository.surveys(session, access, laborer_id))


def reveal(
    session: Session, access: AccessContext, cipher: PiiCipher, laborer_id: uuid.UUID
) -> dict[str, str | None]:
    """The full ID and phone number, for holders of pii.reveal; always audited."""
    laborer = get(session, access, laborer_id).laborer
    access.require(Permission.REVEAL_PII)
    values = {
        "id_number": cipher.decrypt(laborer.id_number_cipher, "id_number"),
        "phone": cipher.decrypt(laborer.phone_cipher, "phone") if laborer.phone_cipher else None,
    }
    audit.record(
        session,
        access,
        action="laborer.reveal",
        entity_type="laborer",
        entity_id=laborer.id,
        after={"fields": ["id_number", "phone"]},
        tenant_id=laborer.tenant_id,
    )
    return values


def list_page(
    session: Session,
    access: AccessContext,
    f: RosterFilter,
    *,
    page: int,
    page_size: int,
    count_cap: int = COUNT_CAP,
) -> Page:
    """The page's rows and their count, exact up to `count_cap` (or this page's end):
    counting a whole million-laborer register took 1.4–1.9 s."""
    paging = Paging(page, page_size)
    laborers = repository.page(session, access, f, offset=paging.offset, limit=paging.limit)
    limit = paging.count_limit(count_cap)
    total, capped = capped_total(repository.count(session, access, f, cap=limit), limit)
    duplicates = repository.registered_elsewhere(
        session, access, [lab.id_number_hash for lab in laborers]
    )
    items = [
        LaborerView(lab, convert.tag_values(lab.tags), lab.id_number_hash in duplicates)
        for lab in laborers
    ]
    return Page(items, total, capped, page, page_size)


def roster_counts(
    session: Session, access: AccessContext, cap: int | None = None
) -> dict[Roster, int]:
    """Each roster's size; with `cap`, a roster past it reads `cap` + 1 ("more than")."""
    return repository.roster_counts(session, access, cap)
