"""All SQL of the registry's bulk work: ledger imports (compare, insert, update) and
roster exports (streamed). Set-based, chunked, and never an ORM object per row."""

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from psycopg.rows import namedtuple_row
from sqlalchemy import (
    ColumnElement,
    Enum,
    String,
    delete,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from api import bulk
from api.access import AccessContext, DataKind
from api.sql_types import AnyRow
from api.supply import fields
from api.supply.repository import matching
from api.supply.rosters import RosterFilter, order_by
from shared_models import Laborer, LaborerIdentity, LaborerSurvey, LaborerTag


@dataclass(frozen=True)
class StoredLaborer:
    """What an import compares a ledger row with: plain row values, not ORM objects."""

    row: AnyRow
    tags: list[AnyRow]


# The stored columns of every declared field (api/supply/fields.py) come from the
# declaration; the encrypted ones as their hash (compare) or cipher and mask (export).
_COMPARED = [
    Laborer.__table__.c[name]
    for name in (
        "id",
        *fields.encrypted_columns("hash"),
        "phone_masked",
        *fields.SURVEY_COLUMNS,
        *fields.PLAIN_COLUMNS,
    )
]


def existing_by_hash(
    session: Session, access: AccessContext, id_hashes: Sequence[str]
) -> dict[str, StoredLaborer]:
    """The caller's laborers with these ID hashes, with their tags, keyed by hash."""
    tag_table = LaborerTag.__table__
    found: dict[str, StoredLaborer] = {}
    for chunk in bulk.chunks(list(id_hashes), 5000):
        rows = session.execute(
            select(*_COMPARED).where(
                Laborer.tenant_id == access.tenant_id,
                Laborer.tenant_id.in_(access.write_ids(DataKind.LABORER)),
                Laborer.id_number_hash.in_(chunk),
            )
        ).all()
        tags: dict[uuid.UUID, list[AnyRow]] = defaultdict(list)
        ids = [row.id for row in rows]
        for id_chunk in bulk.chunks(ids, 5000):
            for tag in session.execute(
                select(
                    tag_table.c.laborer_id,
                    tag_table.c.kind,
                    tag_table.c.value,
                    tag_table.c.code,
                    tag_table.c.position,
                ).where(tag_table.c.laborer_id.in_(id_chunk))
            ):
                tags[tag.laborer_id].append(tag)
        found.update((row.id_number_hash, StoredLaborer(row, tags[row.id])) for row in rows)
    return found


# The columns the roster, its filters and sorts, matching and the figures plan on; the
# rest (ciphers, hashes found through unique indexes, masks, notes) keep their
# statistics until autovacuum's, and cost as much to sample.
_PLANNED = {
    "laborers": (
        "id", "tenant_id", "name", "id_number_tail", "sex", "birth_date", "region_code",
        "township", "village", "poverty_status", "education", "employment_status",
        "employment_need", "skill_level", "two_after", "transfer_willing", "transfer_scope",
        "expected_wage", "entrepreneurship_intention", "created_at", "updated_at",
    ),
    "laborer_tags": ("tenant_id", "laborer_id", "kind", "value", "code"),
}  # fmt: skip


def refresh_statistics(session: Session, written: int) -> None:
    """After an import of `written` laborers. Only the tables whose plans follow their
    volume: the roster, the filters and matching read laborers and tags by tenant and
    value. Identities, surveys and the audit log are read through unique or per-laborer
    keys whatever their statistics say; autovacuum refreshes those after the commit."""
    bulk.refresh_statistics(session, _PLANNED, written)


def insert_laborers(session: Session, access: AccessContext, rows: list[dict[str, Any]]) -> None:
    access.check_rows(*rows)
    bulk.insert_rows(session, Laborer.__table__, rows)


def update_laborers(session: Session, access: AccessContext, rows: list[dict[str, Any]]) -> None:
    """Rows grouped by the columns they change, one statement per group. The rows are
    the caller's own laborers, loaded under `access` (an import writes to its tenant)."""
    if rows and not access.can_write(DataKind.LABORER, access.tenant_id):
        raise PermissionError("laborer update outside the caller's tenants")
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for group in groups.values():
        bulk.update_rows(session, Laborer.__table__, group, increment="version")


def delete_tags(
    session: Session, access: AccessContext, laborer_ids: list[uuid.UUID], kinds: list[str]
) -> None:
    for chunk in bulk.chunks(laborer_ids, 5000):
        session.execute(
            delete(LaborerTag).where(
                LaborerTag.laborer_id.in_(chunk),
                LaborerTag.kind.in_(kinds),
                LaborerTag.tenant_id.in_(access.write_ids(DataKind.LABORER)),
            )
        )


def insert_tags(session: Session, access: AccessContext, rows: list[dict[str, Any]]) -> None:
    access.check_rows(*rows)
    bulk.insert_rows(session, LaborerTag.__table__, rows)


def insert_identities(session: Session, access: AccessContext, rows: list[dict[str, Any]]) -> None:
    access.check_rows(*rows)
    bulk.insert_rows(session, LaborerIdentity.__table__, rows)


def insert_surveys(session: Session, access: AccessContext, rows: list[dict[str, Any]]) -> None:
    access.check_rows(*rows)
    bulk.insert_rows(session, LaborerSurvey.__table__, rows)


def _as_text(column: Any) -> Any:
    """Enumerated columns arrive as their stored text: the export maps text to the ledger
    word itself, and skipping the Enum conversion of a million values saves a second."""
    return (
        type_coerce(column, String).label(column.name) if isinstance(column.type, Enum) else column
    )


_EXPORTED = [
    _as_text(Laborer.__table__.c[name])
    for name in (
        "id",
        *fields.encrypted_columns("cipher", "masked"),
        "sex",
        "birth_date",
        *fields.SURVEY_COLUMNS,
        *fields.PLAIN_COLUMNS,
    )
]


class PackedTag(NamedTuple):
    kind: str
    value: str
    code: str | None
    position: int


_UNIT, _RECORD = "\x1f", "\x1e"  # ASCII unit and record separators: never in a tag


def _packed_tags() -> ColumnElement[str]:
    """PostgreSQL: a laborer's tags as one string, in order (unpacked by `_unpack`)."""
    tag = LaborerTag.__table__.c
    item = func.concat(tag.kind, _UNIT, tag.value, _UNIT, func.coalesce(tag.code, ""))
    return (
        select(func.string_agg(item, aggregate_order_by(literal(_RECORD), tag.kind, tag.position)))
        .where(tag.laborer_id == Laborer.__table__.c.id)
        .scalar_subquery()
    )


def _unpack(packed: str | None) -> list[PackedTag]:
    out: list[PackedTag] = []
    for position, item in enumerate((packed or "").split(_RECORD) if packed else []):
        kind, value, code = item.split(_UNIT)
        out.append(PackedTag(kind, value, code or None, position))
    return out


def stream(
    session: Session, access: AccessContext, f: RosterFilter, batch: int = 5000
) -> Iterator[list[tuple[Any, list[Any]]]]:
    """Every matching laborer in roster order, in batches, each with its tags: plain rows
    of the exported columns, one batch in memory at a time.

    On PostgreSQL the tags come packed in the same row and the rows are read straight
    from a server-side cursor of the driver: for a 100,000-row export that halves the
    time spent fetching."""
    statement = select(*_EXPORTED).where(*matching(access, f)).order_by(*order_by(f))
    if session.get_bind().dialect.name == "postgresql":
        yield from _stream_postgres(
            session, statement.add_columns(_packed_tags().label("packed_tags")), batch
        )
        return
    result = session.execute(statement.execution_options(yield_per=batch))
    for laborers in result.partitions(batch):
        tag_table = LaborerTag.__table__
        tags: dict[uuid.UUID, list[AnyRow]] = defaultdict(list)
        for tag in session.execute(
            select(
                tag_table.c.laborer_id,
                tag_table.c.kind,
                tag_table.c.value,
                tag_table.c.code,
                tag_table.c.position,
            )
            .where(tag_table.c.laborer_id.in_([lab.id for lab in laborers]))
            .order_by(tag_table.c.laborer_id, tag_table.c.kind, tag_table.c.position)
        ):
            tags[tag.laborer_id].append(tag)
        yield [(lab, tags[lab.id]) for lab in laborers]


def _stream_postgres(
    session: Session, statement: Any, batch: int
) -> Iterator[list[tuple[Any, list[Any]]]]:
    compiled = statement.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    raw = session.connection().connection.driver_connection
    with raw.cursor(name=f"lb_export_{uuid.uuid4().hex[:8]}", row_factory=namedtuple_row) as cursor:
        cursor.itersize = batch
        cursor.execute(str(compiled), compiled.params)
        while rows := cursor.fetchmany(batch):
            yield [(row, _unpack(row.packed_tags)) for row in rows]
