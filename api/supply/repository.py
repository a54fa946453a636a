"""All SQL of the laborer registry."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    RowMapping,
    Select,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session, selectinload

from api import bulk
from api.access import AccessContext, DataKind
from api.supply.rosters import Roster, RosterFilter, filter_conditions, order_by, roster_condition
from shared_models import Laborer, LaborerIdentity, LaborerSurvey, LaborerTag
from shared_models.enums import OrgKind, StateSource, TagKind


def visible(access: AccessContext) -> ColumnElement[bool]:
    """Which laborers the caller may read: its county's register (a sending bureau and its
    liaison offices). A receiving bureau reads none of it wholesale."""
    return Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER))


def matching(access: AccessContext, f: RosterFilter) -> list[ColumnElement[bool]]:
    """The laborers the caller may read that match the filter."""
    return [visible(access), *filter_conditions(f, access.read_ids(DataKind.LABORER))]


def page(
    session: Session, access: AccessContext, f: RosterFilter, *, offset: int, limit: int
) -> Sequence[Laborer]:
    return session.scalars(
        select(Laborer)
        .options(selectinload(Laborer.tags))
        .where(*matching(access, f))
        .order_by(*order_by(f))
        .offset(offset)
        .limit(limit)
    ).all()


def page_rows(
    session: Session,
    access: AccessContext,
    f: RosterFilter,
    *,
    columns: Sequence[str],
    offset: int,
    limit: int,
) -> Sequence[RowMapping]:
    """`page`'s laborers as rows of the named columns: no ORM objects (building fifty
    laborers and their tags as objects cost more than the statements)."""
    table = Laborer.__table__.c
    return (
        session.execute(
            select(*(table[name] for name in columns))
            .where(*matching(access, f))
            .order_by(*order_by(f))
            .offset(offset)
            .limit(limit)
        )
        .mappings()
        .all()
    )


TagRow = Row[uuid.UUID, TagKind, str, str | None, int, StateSource, uuid.UUID | None, date | None]


def tag_rows(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID]
) -> Sequence[TagRow]:
    """The tags of these laborers as rows, in each laborer's order (`Laborer.tags`')."""
    if not laborer_ids:
        return []
    return session.execute(
        select(
            LaborerTag.laborer_id,
            LaborerTag.kind,
            LaborerTag.value,
            LaborerTag.code,
            LaborerTag.position,
            LaborerTag.source,
            LaborerTag.source_id,
            LaborerTag.as_of,
        )
        .where(
            LaborerTag.laborer_id.in_(laborer_ids),
            LaborerTag.tenant_id.in_(access.read_ids(DataKind.LABORER)),
        )
        .order_by(LaborerTag.position)
    ).all()


def count(session: Session, access: AccessContext, f: RosterFilter, cap: int | None = None) -> int:
    """Rows matching: the true count, or at most `cap` + 1 (the tenant's index stops
    there instead of visiting every row of a million-laborer register)."""
    return capped_count(session, access, select(Laborer.id).where(*matching(access, f)), cap)


def capped_count(
    session: Session, access: AccessContext, query: Select[Any], cap: int | None
) -> int:
    """`SELECT count(*) FROM (query LIMIT cap + 1)`; `query` already filters by `access`."""
    if cap is None:
        return (
            session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True)) or 0
        )
    capped = query.limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


def roster_counts(
    session: Session, access: AccessContext, cap: int | None = None
) -> dict[Roster, int]:
    """The six counts. Capped: one capped count per roster, each stopping at `cap` + 1
    rows. Exact (`cap` None): one pass over the register for five of them and one over
    the training tags (the EXISTS of the training roster would probe once per laborer)."""
    if cap is not None:
        return {r: count(session, access, RosterFilter(roster=r), cap) for r in Roster}
    readable = access.read_ids(DataKind.LABORER)
    plain = [r for r in Roster if r is not Roster.TRAINING_NEED]
    columns = [func.count().filter(roster_condition(r, readable)).label(r.value) for r in plain]
    row = session.execute(select(*columns).select_from(Laborer).where(visible(access))).one()
    counts: dict[Roster, int] = {r: int(getattr(row, r.value) or 0) for r in plain}
    counts[Roster.TRAINING_NEED] = (
        session.scalar(
            select(func.count(func.distinct(LaborerTag.laborer_id))).where(
                LaborerTag.tenant_id.in_(readable),
                LaborerTag.kind == TagKind.TRAINING,
            )
        )
        or 0
    )
    return counts


def get(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> Laborer | None:
    return session.scalars(
        select(Laborer)
        .options(selectinload(Laborer.tags))
        .where(Laborer.id == laborer_id, visible(access))
    ).first()


def by_ids(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID]
) -> Sequence[Laborer]:
    if not laborer_ids:
        return []
    return session.scalars(
        select(Laborer).where(Laborer.id.in_(set(laborer_ids)), visible(access))
    ).all()


def by_hash(session: Session, access: AccessContext, id_hash: str) -> Laborer | None:
    """In the caller's own register (where a new registration would collide)."""
    return session.scalars(
        select(Laborer).where(
            Laborer.tenant_id == access.tenant_id,
            Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            Laborer.id_number_hash == id_hash,
        )
    ).first()


def by_hashes(
    session: Session, access: AccessContext, id_hashes: Sequence[str]
) -> dict[str, Laborer]:
    """Laborers of the registers the caller reads, by keyed hash of the ID number."""
    if not id_hashes:
        return {}
    rows = session.scalars(
        select(Laborer).where(
            Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            Laborer.id_number_hash.in_(id_hashes),
        )
    ).all()
    return {row.id_number_hash: row for row in rows}


def registered_elsewhere(
    session: Session, access: AccessContext, id_hashes: Sequence[str]
) -> set[str]:
    """Which of these ID hashes another county of the caller's pairings registered too.
    Only the hash is compared: nothing of the other county's record is read."""
    if not id_hashes:
        return set()
    owner = access.tenant_id if access.tenant_kind is OrgKind.SENDING else None
    others = access.read_ids(DataKind.IDENTITY) - ({owner} if owner else set())
    if access.tenant_kind is OrgKind.LIAISON:
        others = others - access.read_ids(DataKind.LABORER)
    if not others:
        return set()
    found: set[str] = set()
    for chunk in bulk.chunks(list(id_hashes), 5000):
        found.update(
            session.scalars(
                select(LaborerIdentity.id_number_hash).where(
                    LaborerIdentity.tenant_id.in_(others),
                    LaborerIdentity.id_number_hash.in_(chunk),
                )
            )
        )
    return found


def surveys(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> Sequence[LaborerSurvey]:
    return session.scalars(
        select(LaborerSurvey)
        .where(
            LaborerSurvey.laborer_id == laborer_id,
            LaborerSurvey.tenant_id.in_(access.read_ids(DataKind.LABORER)),
        )
        .order_by(LaborerSurvey.surveyed_on.desc(), LaborerSurvey.created_at.desc())
    ).all()


def add(session: Session, access: AccessContext, obj: object) -> None:
    access.check_rows(obj)
    session.add(obj)
    session.flush()


def update_identity(session: Session, access: AccessContext, laborer: Laborer) -> None:
    access.check_rows(laborer)
    session.execute(
        update(LaborerIdentity)
        .where(LaborerIdentity.laborer_id == laborer.id)
        .values(id_number_hash=laborer.id_number_hash)
    )


def replace_tags(
    session: Session,
    access: AccessContext,
    laborer: Laborer,
    kinds: set[str],
    tags: list[LaborerTag],
) -> None:
    """Swap the laborer's tags of these kinds for `tags` (others stay)."""
    access.check_rows(laborer, *tags)
    for tag in [t for t in laborer.tags if t.kind in kinds]:
        laborer.tags.remove(tag)  # delete-orphan removes the row
    session.flush()
    laborer.tags.extend(tags)
    session.flush()
