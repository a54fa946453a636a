"""Joint recruitment fairs (专场招聘会): the fair, its employers and the vacancies they
bring, registrants with check-in codes, and the intentions reached at the booths.

A fair belongs to its organizer (`tenant_id`) and is shared with its pairing. Rows under
it carry both the fair's organizer (`fair_tenant_id`, for reading) and the tenant that
wrote them (`tenant_id`, for writing): each side registers its own employers and people.
"""

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import FairMode, FairStatus, IntentionOutcome

_LINKED = text("laborer_id IS NOT NULL")


class Fair(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "fairs"
    __table_args__ = (
        Index("ix_fairs_pairing_day", "pairing_id", "held_on"),
        CheckConstraint("ends_at > starts_at", name="hours"),
        CheckConstraint("registration_deadline <= held_on", name="deadline"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # organizer
    co_organizer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    pairing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pairings.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    title: Mapped[str] = mapped_column(String(120))
    mode: Mapped[FairMode] = mapped_column(str_enum(FairMode, 10))
    venue: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(6))
    online_url: Mapped[str | None] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    registration_deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[FairStatus] = mapped_column(str_enum(FairStatus, 12))
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class FairEmployer(UuidPrimaryKey, Base):
    """An employer at the fair, registered by either side, with the vacancies it brings
    (real vacancies of the demand pool)."""

    __tablename__ = "fair_employers"
    __table_args__ = (UniqueConstraint("fair_id", "employer_id"),)

    fair_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    fair_tenant_id: Mapped[uuid.UUID]
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # who registered
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"))
    booth: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    vacancies: Mapped[list["FairVacancy"]] = relationship(
        back_populates="fair_employer", cascade="all, delete-orphan"
    )


class FairVacancy(Base):
    __tablename__ = "fair_vacancies"

    fair_employer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("fair_employers.id", ondelete="CASCADE"), primary_key=True
    )
    vacancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vacancies.id"), primary_key=True)
    fair_id: Mapped[uuid.UUID]
    fair_tenant_id: Mapped[uuid.UUID]
    tenant_id: Mapped[uuid.UUID]
    positions: Mapped[int]  # places offered at the fair (the vacancy's open places then)

    fair_employer: Mapped[FairEmployer] = relationship(back_populates="vacancies")


class FairRegistration(UuidPrimaryKey, Base):
    """A job seeker registered by their county, or walked in at the door (matched to the
    registry by ID number where registered). The check-in code is printed on a slip."""

    __tablename__ = "fair_registrations"
    __table_args__ = (
        UniqueConstraint("fair_id", "code"),
        UniqueConstraint("fair_id", "id_number_hash"),
        Index(
            "uq_fair_registrations_laborer",
            "fair_id",
            "laborer_id",
            unique=True,
            sqlite_where=_LINKED,
            postgresql_where=_LINKED,
        ),
        Index("ix_fair_registrations_laborer", "laborer_id"),  # a laborer's fairs
    )

    fair_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    fair_tenant_id: Mapped[uuid.UUID]
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # who registered
    laborer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("laborers.id"))
    laborer_tenant_id: Mapped[uuid.UUID | None]  # the laborer's county, where linked
    name: Mapped[str] = mapped_column(String(40))
    id_number_hash: Mapped[str] = mapped_column(String(64))
    id_number_masked: Mapped[str] = mapped_column(String(18))
    code: Mapped[str] = mapped_column(String(12))
    walk_in: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_at: Mapped[datetime | None]  # when the person came in (may be backdated)
    check_in_recorded_at: Mapped[datetime | None]  # when the check-in was written
    checked_in_by_label: Mapped[str | None] = mapped_column(String(120))


class FairIntention(UuidPrimaryKey, Base):
    """A booth interview or an intention reached (达成就业意向) between a registrant and a
    vacancy; turned into a referral with one action."""

    __tablename__ = "fair_intentions"
    __table_args__ = (
        UniqueConstraint("registration_id", "vacancy_id"),
        Index("ix_fair_intentions_fair", "fair_id"),
    )

    fair_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    fair_tenant_id: Mapped[uuid.UUID]
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # who recorded
    registration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("fair_registrations.id", ondelete="CASCADE")
    )
    vacancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vacancies.id"))
    outcome: Mapped[IntentionOutcome] = mapped_column(str_enum(IntentionOutcome, 12))
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referrals.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
