"""All SQL of the derived laborer state (api/supply/derived.py): the facts of a chunk of
laborers in five queries, and the derived columns and tags written back in bulk."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from api import bulk
from api.access import AccessContext, DataKind
from shared_models import (
    Laborer,
    LaborerSurvey,
    LaborerTag,
    Placement,
    Training,
    TrainingEnrollment,
)
from shared_models.enums import EnrollmentStatus, StateSource, TagKind

# The columns the rule writes (api/supply/derived.py); with the three it reads besides,
# the only ones loaded: the rule must not depend on the rest of the row.
DERIVED_COLUMNS = (
    "employment_status",
    "employment_need",
    "employment_source",
    "employment_as_of",
    "employment_source_id",
    "employer_name",
    "work_region_code",
    "work_city",
    "work_scope",
    "skill_level",
    "skill_level_source",
    "skill_level_as_of",
)
LABORER_COLUMNS = ("id", "tenant_id", "region_code", *DERIVED_COLUMNS)
DERIVED_KINDS = (TagKind.SKILL, TagKind.CERTIFICATE, TagKind.TRAINING)


@dataclass(frozen=True)
class TagRow:
    id: uuid.UUID
    kind: TagKind
    value: str
    code: str | None
    position: int
    source: StateSource
    source_id: uuid.UUID | None
    as_of: date | None

    def insert(self, laborer_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant_id": tenant_id,
            "laborer_id": laborer_id,
            "kind": self.kind.value,
            "value": self.value,
            "code": self.code,
            "position": self.position,
            "source": self.source.value,
            "source_id": self.source_id,
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class SurveyFact:
    id: uuid.UUID
    surveyed_on: date
    created_at: datetime
    employment_status: Any
    employment_need: Any
    skill_level: Any


@dataclass(frozen=True)
class SpellFact:
    id: uuid.UUID
    started_on: date
    ended_on: date | None
    employer_name: str
    region_code: str
    city: str


@dataclass(frozen=True)
class CompletionFact:
    enrollment_id: uuid.UUID
    completed_on: date
    occupation: str
    occupation_code: str | None
    assessment_result: str | None
    certificate_number: str


@dataclass
class Facts:
    laborer: Any  # a row of LABORER_COLUMNS
    surveys: list[SurveyFact] = field(default_factory=list)
    placements: list[SpellFact] = field(default_factory=list)
    completions: list[CompletionFact] = field(default_factory=list)
    tags: list[TagRow] = field(default_factory=list)


def count_laborers(session: Session, access: AccessContext, county_id: uuid.UUID) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Laborer.tenant_id == county_id,
                Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            )
        )
        or 0
    )


def laborer_ids(
    session: Session,
    access: AccessContext,
    county_id: uuid.UUID,
    *,
    after: uuid.UUID | None,
    limit: int,
) -> list[uuid.UUID]:
    """The next chunk of the county's register, by id (keyset: no OFFSET scans)."""
    query = select(Laborer.id).where(
        Laborer.tenant_id == county_id,
        Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER)),
    )
    if after is not None:
        query = query.where(Laborer.id > after)
    return list(session.scalars(query.order_by(Laborer.id).limit(limit)))


def load_facts(
    session: Session, access: AccessContext, ids: list[uuid.UUID]
) -> dict[uuid.UUID, Facts]:
    county = access.read_ids(DataKind.LABORER)
    out: dict[uuid.UUID, Facts] = {}
    for chunk in bulk.chunks(list(ids), 2000):
        rows = session.execute(
            select(*(Laborer.__table__.c[c] for c in LABORER_COLUMNS)).where(
                Laborer.id.in_(chunk), Laborer.tenant_id.in_(county)
            )
        )
        for row in rows:
            out[row.id] = Facts(row)
        chunk = [i for i in chunk if i in out]
        if chunk:
            _load_events(session, access, chunk, out)
    return out


def _load_events(
    session: Session, access: AccessContext, chunk: list[uuid.UUID], out: dict[uuid.UUID, Facts]
) -> None:
    county = access.read_ids(DataKind.LABORER)
    s = LaborerSurvey
    for row in session.execute(
        select(
            s.laborer_id, s.id, s.surveyed_on, s.created_at,
            s.employment_status, s.employment_need, s.skill_level,
        ).where(s.laborer_id.in_(chunk), s.tenant_id.in_(county))
    ):  # fmt: skip
        out[row.laborer_id].surveys.append(SurveyFact(*row[1:]))
    p = Placement
    for row in session.execute(
        select(
            p.laborer_id, p.id, p.started_on, p.ended_on, p.employer_name, p.region_code, p.city
        ).where(p.laborer_id.in_(chunk), p.tenant_id.in_(access.read_ids(DataKind.PLACEMENT)))
    ):
        out[row.laborer_id].placements.append(SpellFact(*row[1:]))
    e, t = TrainingEnrollment, Training
    for row in session.execute(
        select(
            e.laborer_id, e.id, e.completed_on, t.occupation, t.occupation_code,
            e.assessment_result, e.certificate_number,
        )
        .join(t, t.id == e.training_id)
        .where(
            e.laborer_id.in_(chunk),
            e.tenant_id.in_(county),
            e.status == EnrollmentStatus.COMPLETED,
            e.completed_on.is_not(None),
            func.length(func.trim(func.coalesce(e.certificate_number, ""))) > 0,
        )
    ):  # fmt: skip
        out[row.laborer_id].completions.append(CompletionFact(*row[1:]))
    g = LaborerTag
    for row in session.execute(
        select(
            g.laborer_id, g.id, g.kind, g.value, g.code, g.position, g.source, g.source_id, g.as_of
        ).where(g.laborer_id.in_(chunk), g.tenant_id.in_(county), g.kind.in_(DERIVED_KINDS))
    ):
        out[row.laborer_id].tags.append(TagRow(*row[1:]))
    for facts in out.values():
        facts.tags.sort(key=lambda tag: tag.position)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def write(
    session: Session,
    access: AccessContext,
    updates: list[dict[str, Any]],
    add_tags: list[dict[str, Any]],
    drop_tag_ids: list[uuid.UUID],
) -> None:
    """Write the derived columns and tags (rows of the caller's writable register only),
    then bring any copy of these laborers the session holds up to date."""
    county = access.write_ids(DataKind.LABORER)
    if updates:  # every row was read through load_facts, in the county's register
        # The version stays: derived values never make a person's open form stale.
        bulk.update_rows(
            session, Laborer.__table__, [{k: _plain(v) for k, v in u.items()} for u in updates]
        )
    add_tags = [t for t in add_tags if t["tenant_id"] in county]
    bulk.insert_rows(session, LaborerTag.__table__, add_tags)
    for chunk in bulk.chunks(list(drop_tag_ids), 2000):
        session.execute(
            delete(LaborerTag).where(LaborerTag.id.in_(chunk), LaborerTag.tenant_id.in_(county))
        )
    _sync_identity_map(session, updates, {t["laborer_id"] for t in add_tags}, bool(drop_tag_ids))


def _sync_identity_map(
    session: Session, updates: list[dict[str, Any]], tagged: set[uuid.UUID], dropped: bool
) -> None:
    by_id = {u["id"]: u for u in updates}
    for obj in list(session.identity_map.values()):
        if not isinstance(obj, Laborer):
            continue
        row = by_id.get(obj.id)
        if row is not None:
            for column, value in row.items():
                if column != "id":
                    set_committed_value(obj, column, _typed(column, value))
        if obj.id in tagged or dropped:
            session.expire(obj, ["tags"])


def _typed(column: str, value: Any) -> Any:
    """The value as the ORM would load it (enum members for enum columns)."""
    enum_class = getattr(Laborer.__table__.c[column].type, "enum_class", None)
    if enum_class is not None and value is not None:
        return enum_class(value)
    return value
