"""Between validated records and stored rows: encryption, masking, tags, comparison."""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from api.ids import new_id
from api.security.masking import mask_id_number, mask_phone
from api.security.pii import PiiCipher
from api.supply.fields import PLAIN_COLUMNS
from api.supply.records import LaborerRecord, Occupation
from shared_models.enums import TagKind

# Record fields kept as tags, and whether their tags carry an occupation code.
TAG_FIELDS: dict[str, tuple[TagKind, bool]] = {
    "skills": (TagKind.SKILL, True),
    "certificates": (TagKind.CERTIFICATE, False),
    "preferred_cities": (TagKind.CITY, False),
    "preferred_industries": (TagKind.INDUSTRY, False),
    "training_needs": (TagKind.TRAINING, True),
}
FIELD_OF_TAG = {kind: name for name, (kind, _coded) in TAG_FIELDS.items()}
# Columns a record sets directly on the laborer row (besides the encrypted ones).
SCALAR_FIELDS = PLAIN_COLUMNS


def id_hash(cipher: PiiCipher, id_number: str) -> str:
    return cipher.lookup_hash(id_number, "id_number")


def phone_hash(cipher: PiiCipher, phone: str | None) -> str | None:
    return cipher.lookup_hash(phone, "phone") if phone else None


def laborer_columns(record: LaborerRecord, cipher: PiiCipher) -> dict[str, Any]:
    """The laborer row for a record (new registration): all columns but ids and tenant."""
    assert record.identity is not None  # noqa: S101 - check_record ran
    columns: dict[str, Any] = {name: getattr(record, name) for name in SCALAR_FIELDS}
    columns.update(
        id_number_cipher=cipher.encrypt(record.id_number, "id_number"),
        id_number_hash=id_hash(cipher, record.id_number),
        id_number_masked=mask_id_number(record.id_number),
        id_number_tail=record.id_number[-4:],
        sex=record.identity.sex,
        birth_date=record.identity.birth_date,
        last_surveyed_on=record.surveyed_on,
        last_surveyor=record.surveyor if record.surveyed_on else None,
        **phone_columns(record.phone, cipher),
    )
    return columns


def phone_columns(phone: str | None, cipher: PiiCipher) -> dict[str, Any]:
    if not phone:
        return {"phone_cipher": None, "phone_hash": None, "phone_masked": None}
    return {
        "phone_cipher": cipher.encrypt(phone, "phone"),
        "phone_hash": phone_hash(cipher, phone),
        "phone_masked": mask_phone(phone),
    }


def tag_rows(
    record: LaborerRecord, laborer_id: uuid.UUID, tenant_id: uuid.UUID, fields: Iterable[str]
) -> list[dict[str, Any]]:
    rows = []
    for name in fields:
        kind, coded = TAG_FIELDS[name]
        for position, item in enumerate(getattr(record, name)):
            value, code = (item.name, item.code) if coded else (item, None)
            rows.append(
                {
                    "id": new_id(),
                    "tenant_id": tenant_id,
                    "laborer_id": laborer_id,
                    "kind": kind,
                    "value": value,
                    "code": code,
                    "position": position,
                }
            )
    return rows


def tag_values(tags: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    """Tags (ORM objects or rows) back to record list fields."""
    out: dict[str, list[Any]] = {name: [] for name in TAG_FIELDS}
    for tag in sorted(tags, key=lambda t: (t.kind, t.position)):
        name = FIELD_OF_TAG[TagKind(tag.kind)]
        coded = TAG_FIELDS[name][1]
        out[name].append(Occupation(tag.value, tag.code) if coded else tag.value)
    return {name: tuple(values) for name, values in out.items()}


def comparable(record: LaborerRecord, cipher: PiiCipher, fields: Iterable[str]) -> dict[str, Any]:
    """What decides 'unchanged': the named fields, with the phone as its keyed hash."""
    out = {}
    for name in fields:
        if name == "phone":
            out[name] = phone_hash(cipher, record.phone)
        elif name != "id_number":
            out[name] = getattr(record, name)
    return out


def stored_comparable(laborer: Any, tags: Sequence[Any], fields: Iterable[str]) -> dict[str, Any]:
    lists = tag_values(tags)
    out = {}
    for name in fields:
        if name == "phone":
            out[name] = laborer.phone_hash
        elif name in TAG_FIELDS:
            out[name] = lists[name]
        elif name == "surveyed_on":
            out[name] = laborer.last_surveyed_on
        elif name == "surveyor":
            out[name] = laborer.last_surveyor if laborer.last_surveyed_on else None
        elif name != "id_number":
            out[name] = getattr(laborer, name)
    return out


def record_from_stored(
    laborer: Any, tags: Sequence[Any], *, id_number: str, phone: str | None
) -> LaborerRecord:
    """A stored laborer as a record (for export); id and phone as given (full or masked)."""
    values = {name: getattr(laborer, name) for name in SCALAR_FIELDS}
    values.update(tag_values(tags))
    return LaborerRecord(
        id_number=id_number,
        phone=phone,
        surveyed_on=laborer.last_surveyed_on,
        surveyor=laborer.last_surveyor,
        **values,
    )
