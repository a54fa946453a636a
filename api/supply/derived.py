"""The registry follows what happened: a laborer's employment status, current job and its
transfer scope, skill level, skills, certificates and training needs, derived from the
facts recorded elsewhere.

Facts, each with its day:
  a placement's start      employed, at that employer and place (and a need for a job is met)
  a placement's end        unemployed from that day, when no later placement follows
                           (spells never share a day, so only the latest spell counts)
  a 五清 survey             the status and need the surveyor recorded
  an edit of the record    the status a person typed (dated the day of the edit)
  a certified completion   the training's occupation as a skill, the certificate, the
                           level from the assessment, and that training need cleared

The latest fact by date wins; on the same day a hand-made fact (edit, then survey) wins
over a placement, and a survey over a completion, since people record what they saw.
`derive` is the rule, pure; `refresh` runs it for a few laborers in the caller's
transaction and `reconcile` for a whole county (the CLI and migration 0010).

It runs under the county's own view (`registry_system_access`), so a receiving bureau
recording a hire or a separation refreshes a register it may not otherwise write.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, registry_system_access
from api.db import apply_access
from api.ids import new_id
from api.supply import derived_repository as repo
from api.supply.derived_repository import DERIVED_COLUMNS, Facts, TagRow
from shared_models.enums import (
    EmploymentNeed,
    EmploymentStatus,
    SkillLevel,
    StateSource,
    TagKind,
    WorkScope,
)

# Municipalities (北京, 天津, 上海, 重庆): the province is the "city" of 区外市内.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
LEVEL_RANK = {level: rank for rank, level in enumerate(SkillLevel)}
# Words of a certificate's grade (国家职业资格 五级…一级) in the assessment, highest first.
LEVEL_WORDS = (
    (SkillLevel.ADVANCED, ("高级", "三级", "二级", "一级", "技师")),
    (SkillLevel.INTERMEDIATE, ("中级", "四级")),
)
# Same-day order: a placement, then a survey, then an edit of the record.
_RANK = {StateSource.PLACEMENT: 0, StateSource.SURVEY: 1, StateSource.RECORD: 2}


def work_scope(home_region: str, work_region: str) -> WorkScope:
    """区内 / 区外市内 / 市外: the work's region code against the household's county."""
    if work_region == home_region:
        return WorkScope.IN_DISTRICT
    city = 2 if home_region[:2] in MUNICIPALITIES else 4
    if work_region[:city] == home_region[:city]:
        return WorkScope.IN_CITY
    return WorkScope.OUT_OF_CITY


def certificate_level(assessment: str | None, certificate: str | None) -> SkillLevel:
    text = f"{assessment or ''} {certificate or ''}"
    for level, words in LEVEL_WORDS:
        if any(word in text for word in words):
            return level
    return SkillLevel.BASIC  # a certificate without a grade: 初级 (五级)


def certificate_value(occupation: str, number: str) -> str:
    return f"{occupation}（{number}）"[:60]


@dataclass
class Outcome:
    columns: dict[str, Any]  # the derived columns as they should be
    add_tags: list[dict[str, Any]] = field(default_factory=list)
    drop_tag_ids: list[uuid.UUID] = field(default_factory=list)


def derive(facts: Facts) -> Outcome:
    lab = facts.laborer
    cols: dict[str, Any] = {c: getattr(lab, c) for c in DERIVED_COLUMNS}
    # (day, same-day rank, source, id, status, need)
    candidates: list[tuple[date, int, StateSource, uuid.UUID | None, Any, Any]] = []
    if lab.employment_source is StateSource.RECORD and lab.employment_as_of is not None:
        candidates.append(
            (lab.employment_as_of, 2, StateSource.RECORD, None, lab.employment_status, None)
        )
    survey = max(facts.surveys, key=lambda s: (s.surveyed_on, s.created_at), default=None)
    if survey is not None:
        candidates.append(
            (
                survey.surveyed_on,
                _RANK[StateSource.SURVEY],
                StateSource.SURVEY,
                survey.id,
                survey.employment_status,
                survey.employment_need,
            )
        )
    spell = max(facts.placements, key=lambda p: p.started_on, default=None)
    if spell is not None:
        if spell.ended_on is None:
            # A hire meets a need for a job: only a later survey saying so again (the
            # employed person wants a change) puts them back among the job-seekers.
            need = EmploymentNeed.NONE if lab.employment_need is EmploymentNeed.JOB else None
            candidates.append(
                (
                    spell.started_on,
                    0,
                    StateSource.PLACEMENT,
                    spell.id,
                    EmploymentStatus.EMPLOYED,
                    need,
                )
            )
        else:
            candidates.append(
                (
                    spell.ended_on,
                    0,
                    StateSource.PLACEMENT,
                    spell.id,
                    EmploymentStatus.UNEMPLOYED,
                    None,
                )
            )
    if candidates:
        day, _rank, source, source_id, status, need = max(candidates, key=lambda c: (c[0], c[1]))
        cols.update(
            employment_status=status,
            employment_source=source,
            employment_as_of=day,
            employment_source_id=source_id,
        )
        if need is not None:
            cols["employment_need"] = need
    # The open spell of someone employed: where they work now.
    placed = (
        spell
        if cols["employment_status"] is EmploymentStatus.EMPLOYED
        and spell is not None
        and spell.ended_on is None
        else None
    )
    cols.update(
        employer_name=placed.employer_name if placed is not None else None,
        work_region_code=placed.region_code if placed is not None else None,
        work_city=placed.city if placed is not None else None,
        work_scope=work_scope(lab.region_code, placed.region_code) if placed is not None else None,
    )
    _skill_level(facts, survey.surveyed_on if survey else None, survey, cols)
    outcome = Outcome(cols)
    _tags(facts, outcome)
    return outcome


def _skill_level(facts: Facts, surveyed: date | None, survey: Any, cols: dict[str, Any]) -> None:
    """The latest survey's level (or the record's), raised by certificates earned after it."""
    lab = facts.laborer
    if survey is not None:
        level, source, as_of = survey.skill_level, StateSource.SURVEY, surveyed
    else:
        level, source, as_of = lab.skill_level, lab.skill_level_source, lab.skill_level_as_of
    for done in sorted(facts.completions, key=lambda c: (c.completed_on, c.enrollment_id)):
        if surveyed is not None and done.completed_on <= surveyed:
            continue
        earned = certificate_level(done.assessment_result, done.certificate_number)
        if LEVEL_RANK[earned] > LEVEL_RANK[level]:
            level, source, as_of = earned, StateSource.TRAINING, done.completed_on
    cols.update(skill_level=level, skill_level_source=source, skill_level_as_of=as_of)


def _tags(facts: Facts, outcome: Outcome) -> None:
    lab = facts.laborer
    tags: list[TagRow] = list(facts.tags)
    position = max((t.position for t in tags), default=-1)
    for done in sorted(facts.completions, key=lambda c: (c.completed_on, c.enrollment_id)):
        certificate = certificate_value(done.occupation, done.certificate_number)
        wanted = [
            (TagKind.SKILL, done.occupation, done.occupation_code),
            (TagKind.CERTIFICATE, certificate, None),
        ]
        for kind, value, code in wanted:
            if any(t.kind is kind and t.value == value for t in tags):
                continue
            position += 1
            row = TagRow(
                new_id(),
                kind,
                value,
                code,
                position,
                StateSource.TRAINING,
                done.enrollment_id,
                done.completed_on,
            )
            tags.append(row)
            outcome.add_tags.append(row.insert(lab.id, lab.tenant_id))
        for tag in tags:
            if (
                tag.kind is TagKind.TRAINING
                and tag.id not in outcome.drop_tag_ids
                and _same_occupation(tag, done.occupation, done.occupation_code)
                and (tag.as_of is None or tag.as_of <= done.completed_on)
            ):
                outcome.drop_tag_ids.append(tag.id)


def _same_occupation(tag: TagRow, occupation: str, code: str | None) -> bool:
    return tag.value == occupation or (code is not None and tag.code == code)


@dataclass
class Changes:
    laborers: int = 0
    tags_added: int = 0
    tags_removed: int = 0

    def add(self, other: "Changes") -> None:
        self.laborers += other.laborers
        self.tags_added += other.tags_added
        self.tags_removed += other.tags_removed


def recompute(session: Session, access: AccessContext, laborer_ids: list[uuid.UUID]) -> Changes:
    """Derive and write the state of these laborers (the context must write the register)."""
    changes = Changes()
    now = clock.now()
    updates, adds, drops = [], [], []
    for facts in repo.load_facts(session, access, laborer_ids).values():
        outcome = derive(facts)
        current = {c: getattr(facts.laborer, c) for c in DERIVED_COLUMNS}
        if outcome.columns != current:
            updates.append({"id": facts.laborer.id, **outcome.columns, "updated_at": now})
        adds += outcome.add_tags
        drops += outcome.drop_tag_ids
    repo.write(session, access, updates, adds, drops)
    changes.laborers, changes.tags_added, changes.tags_removed = len(updates), len(adds), len(drops)
    return changes


def refresh(
    session: Session, access: AccessContext, county_id: uuid.UUID, laborer_ids: Iterable[uuid.UUID]
) -> Changes:
    """Re-derive a few laborers after an event, under the county's view, in the caller's
    transaction; the caller's own context is restored before anything else happens."""
    ids = list(dict.fromkeys(laborer_ids))
    if not ids:
        return Changes()
    system = registry_system_access(session, county_id)
    apply_access(session, system)
    try:
        return recompute(session, system, ids)
    finally:
        apply_access(session, access)


def reconcile(
    session: Session,
    county_id: uuid.UUID,
    *,
    chunk_size: int = 2000,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
) -> Changes:
    """Re-derive a whole county's register, a chunk at a time (idempotent: a second run
    changes nothing). `progress` hears laborers done of the county's total."""
    system = registry_system_access(session, county_id)
    apply_access(session, system)
    total, done = repo.count_laborers(session, system, county_id), 0
    changes = Changes()
    after: uuid.UUID | None = None
    while ids := repo.laborer_ids(session, system, county_id, after=after, limit=chunk_size):
        changes.add(recompute(session, system, ids))
        after, done = ids[-1], done + len(ids)
        progress(done, total)
    return changes
