"""The laborer registry (一库N册): laborers, their list-valued facts, survey history, and
the cross-county identity index used to flag possible duplicates."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    HealthStatus,
    PovertyStatus,
    Sex,
    SkillLevel,
    StateSource,
    TagKind,
    TransferScope,
    WorkScope,
)

# Looking for work: unemployed or farming, or a job as their need (matching's candidates).
_AVAILABLE = text("employment_status IN ('unemployed', 'farming') OR employment_need = 'job'")
_CODED = text("code IS NOT NULL")


class Laborer(UuidPrimaryKey, Timestamps, Base):
    """A rural laborer of a sending county. ID and phone numbers are stored encrypted,
    with a keyed hash beside each for lookup and a masked copy for display and search."""

    __tablename__ = "laborers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id_number_hash"),
        Index("ix_laborers_tenant_name", "tenant_id", "name", "id"),
        Index("ix_laborers_tenant_place", "tenant_id", "township", "village", "name", "id"),
        Index(
            "ix_laborers_tenant_status_place",
            "tenant_id",
            "employment_status",
            "township",
            "village",
            "name",
        ),
        Index("ix_laborers_tenant_birth", "tenant_id", "birth_date"),
        Index("ix_laborers_tenant_village", "tenant_id", "village", "name"),
        Index("ix_laborers_tenant_updated", "tenant_id", "updated_at"),
        Index("ix_laborers_tenant_id_tail", "tenant_id", "id_number_tail"),
        # Matching: those looking for work, with what the filters and the score read
        # (api/matching/repository.py; the predicate is api.matching.criteria's).
        Index(
            "ix_laborers_matching",
            "tenant_id",
            "id",
            postgresql_include=[
                "employment_status",
                "employment_need",
                "region_code",
                "transfer_willing",
                "transfer_scope",
                "birth_date",
                "education",
                "expected_wage",
                "skill_level",
                "poverty_status",
            ],
            postgresql_where=_AVAILABLE,
            sqlite_where=_AVAILABLE,
        ),
        Index(
            "ix_laborers_matching_region",
            "tenant_id",
            "region_code",
            "id",
            postgresql_where=_AVAILABLE,
            sqlite_where=_AVAILABLE,
        ),
        CheckConstraint(
            "disability_level IS NULL OR disability_level BETWEEN 1 AND 4", name="disability_level"
        ),
        CheckConstraint(
            "expected_wage IS NULL OR expected_wage BETWEEN 0 AND 1000000", name="expected_wage"
        ),
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(default=1)
    # Every UPDATE checks and raises the version: a concurrent edit fails, never overwrites.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API

    # Byte (code point) order on PostgreSQL, whatever the database collation: the
    # (tenant_id, name) index then serves both name-prefix search and name order.
    name: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql")
    )
    id_number_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hash: Mapped[str] = mapped_column(String(64))
    id_number_masked: Mapped[str] = mapped_column(String(18))
    # The last four characters: what people read out when they search by ID.
    id_number_tail: Mapped[str] = mapped_column(String(4))
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, 8))
    birth_date: Mapped[date] = mapped_column(Date)

    region_code: Mapped[str] = mapped_column(String(6))
    township: Mapped[str] = mapped_column(String(40))
    village: Mapped[str] = mapped_column(String(40))
    household_head: Mapped[str | None] = mapped_column(String(40))  # 户主: groups a household

    poverty_status: Mapped[PovertyStatus] = mapped_column(str_enum(PovertyStatus, 20))
    poverty_year: Mapped[int | None]
    education: Mapped[Education | None] = mapped_column(str_enum(Education, 16))
    health_status: Mapped[HealthStatus] = mapped_column(
        str_enum(HealthStatus, 20), default=HealthStatus.HEALTHY
    )
    disability_level: Mapped[int | None]
    two_after: Mapped[bool] = mapped_column(default=False)  # 两后生

    # 五清: the latest survey's findings (history in laborer_surveys)
    employment_status: Mapped[EmploymentStatus] = mapped_column(str_enum(EmploymentStatus, 20))
    employment_need: Mapped[EmploymentNeed] = mapped_column(str_enum(EmploymentNeed, 20))
    skill_level: Mapped[SkillLevel] = mapped_column(str_enum(SkillLevel, 16))
    employment_difficulty: Mapped[EmploymentDifficulty] = mapped_column(
        str_enum(EmploymentDifficulty, 20)
    )
    assistance_measure: Mapped[AssistanceMeasure] = mapped_column(str_enum(AssistanceMeasure, 30))
    last_surveyed_on: Mapped[date | None] = mapped_column(Date)
    last_surveyor: Mapped[str | None] = mapped_column(String(40))

    # Derived from events (api/supply/derived.py): where the status came from and as of
    # which day, and the current job (from the open placement, while employed).
    employment_source: Mapped[StateSource] = mapped_column(
        str_enum(StateSource, 16), default=StateSource.RECORD, server_default="record"
    )
    employment_as_of: Mapped[date | None] = mapped_column(Date)  # None: as registered
    employment_source_id: Mapped[uuid.UUID | None]  # the survey or placement
    employer_name: Mapped[str | None] = mapped_column(String(120))
    work_region_code: Mapped[str | None] = mapped_column(String(6))
    work_city: Mapped[str | None] = mapped_column(String(40))
    work_scope: Mapped[WorkScope | None] = mapped_column(str_enum(WorkScope, 16))
    skill_level_source: Mapped[StateSource] = mapped_column(
        str_enum(StateSource, 16), default=StateSource.RECORD, server_default="record"
    )
    skill_level_as_of: Mapped[date | None] = mapped_column(Date)

    # intentions
    transfer_willing: Mapped[bool] = mapped_column(default=False)
    transfer_scope: Mapped[TransferScope | None] = mapped_column(str_enum(TransferScope, 20))
    expected_wage: Mapped[int | None]  # yuan per month
    entrepreneurship_intention: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(500))

    tags: Mapped[list["LaborerTag"]] = relationship(
        back_populates="laborer", cascade="all, delete-orphan", order_by="LaborerTag.position"
    )


class LaborerTag(UuidPrimaryKey, Base):
    """One skill, certificate, preferred city or industry, or training need."""

    __tablename__ = "laborer_tags"
    __table_args__ = (
        Index("ix_laborer_tags_laborer", "laborer_id"),
        # Covers "who has this skill / need": answered from the index alone.
        Index("ix_laborer_tags_lookup", "tenant_id", "kind", "value", "laborer_id"),
        # A skill by occupation code (matching a vacancy's).
        Index(
            "ix_laborer_tags_code",
            "tenant_id",
            "kind",
            "code",
            "laborer_id",
            postgresql_where=_CODED,
            sqlite_where=_CODED,
        ),
    )

    # The laborer's tenant, copied for row-level security; the laborer's own foreign key
    # already ties the row to a real tenant, so no second check per row here.
    tenant_id: Mapped[uuid.UUID]
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id", ondelete="CASCADE"))
    kind: Mapped[TagKind] = mapped_column(str_enum(TagKind, 16))
    value: Mapped[str] = mapped_column(String(60))
    code: Mapped[str | None] = mapped_column(String(20))  # occupation code, where known
    position: Mapped[int] = mapped_column(default=0)
    # Entered on the record, or added by a training (source_id: the enrollment); a
    # training need entered on or before a certified completion's day is cleared by it.
    source: Mapped[StateSource] = mapped_column(
        str_enum(StateSource, 16), default=StateSource.RECORD, server_default="record"
    )
    source_id: Mapped[uuid.UUID | None]
    as_of: Mapped[date | None] = mapped_column(Date)

    laborer: Mapped[Laborer] = relationship(back_populates="tags")


class LaborerSurvey(UuidPrimaryKey, Base):
    """One door-to-door survey (走访摸底): dated, by a named staff member."""

    __tablename__ = "laborer_surveys"
    __table_args__ = (Index("ix_laborer_surveys_laborer", "laborer_id", "surveyed_on"),)

    tenant_id: Mapped[uuid.UUID]  # the laborer's, for row-level security (see LaborerTag)
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id", ondelete="CASCADE"))
    surveyed_on: Mapped[date] = mapped_column(Date)
    surveyor: Mapped[str] = mapped_column(String(40))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    employment_status: Mapped[EmploymentStatus] = mapped_column(str_enum(EmploymentStatus, 20))
    employment_need: Mapped[EmploymentNeed] = mapped_column(str_enum(EmploymentNeed, 20))
    skill_level: Mapped[SkillLevel] = mapped_column(str_enum(SkillLevel, 16))
    employment_difficulty: Mapped[EmploymentDifficulty] = mapped_column(
        str_enum(EmploymentDifficulty, 20)
    )
    assistance_measure: Mapped[AssistanceMeasure] = mapped_column(str_enum(AssistanceMeasure, 30))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LaborerIdentity(Base):
    """The keyed hash of each registered ID number, readable across the counties that
    share a receiving partner, so each can see 'registered elsewhere too' and nothing more."""

    __tablename__ = "laborer_identities"
    __table_args__ = (Index("ix_laborer_identities_hash", "id_number_hash"),)

    laborer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("laborers.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID]  # the laborer's, for row-level security (see LaborerTag)
    id_number_hash: Mapped[str] = mapped_column(String(64))
