"""Joint skills trainings (技能培训): the course, its sessions, enrollments from the
training-need roster with a waitlist, attendance per session, and completion.

A training belongs to its organizer (`tenant_id`) and is shared with its pairing. An
enrollment carries a laborer, the county's data: its `tenant_id` is the laborer's county
(which enrolled them), `training_tenant_id` the organizer's. The name and masked ID
number are copied onto the enrollment, so the organizers can run the class (roster,
attendance sheet, certificates) without reading the county's register.
"""

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, JsonDoc, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import EnrollmentStatus, TrainingType


class Training(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "trainings"
    __table_args__ = (
        Index("ix_trainings_pairing_start", "pairing_id", "starts_on"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("subsidy_amount IS NULL OR subsidy_amount >= 0", name="subsidy_amount"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # organizer
    co_organizer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    pairing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pairings.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    title: Mapped[str] = mapped_column(String(120))
    occupation: Mapped[str] = mapped_column(String(60))  # 中式面点师, 茶艺师
    occupation_code: Mapped[str | None] = mapped_column(String(20))  # 4-03-02-02
    training_type: Mapped[TrainingType] = mapped_column(str_enum(TrainingType, 20))
    provider: Mapped[str] = mapped_column(String(120))  # the school or company teaching
    location: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int]
    # [{"name": "王师傅", "origin": "潍坊面点大师"}]
    teachers: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc, default=list)
    # Training subsidy per completer (yuan), paid by a bureau of the pairing.
    subsidy_amount: Mapped[int | None]
    subsidy_payer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    sessions: Mapped[list["TrainingSession"]] = relationship(
        back_populates="training",
        order_by="(TrainingSession.held_on, TrainingSession.starts_at)",
        cascade="all, delete-orphan",
    )


class TrainingSession(UuidPrimaryKey, Base):
    __tablename__ = "training_sessions"
    __table_args__ = (
        Index("ix_training_sessions_training", "training_id", "held_on"),
        CheckConstraint("ends_at > starts_at", name="hours"),
    )

    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"))
    tenant_id: Mapped[uuid.UUID]  # the training's organizer, for row-level security
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    topic: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    training: Mapped[Training] = relationship(back_populates="sessions")


class TrainingEnrollment(UuidPrimaryKey, Timestamps, Base):
    """One laborer on a training's roster, or on its waitlist (ordered by `position`)."""

    __tablename__ = "training_enrollments"
    __table_args__ = (
        UniqueConstraint("training_id", "laborer_id"),
        Index("ix_training_enrollments_training", "training_id", "status", "position"),
        Index("ix_training_enrollments_laborer", "laborer_id"),
    )

    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"))
    training_tenant_id: Mapped[uuid.UUID]  # the organizer
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # the county
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    name: Mapped[str] = mapped_column(String(40))
    id_number_masked: Mapped[str] = mapped_column(String(18))
    status: Mapped[EnrollmentStatus] = mapped_column(str_enum(EnrollmentStatus, 12))
    position: Mapped[int]  # order of enrollment: the waitlist is served in this order
    enrolled_by_label: Mapped[str] = mapped_column(String(120))
    enrolled_on: Mapped[date] = mapped_column(Date)  # when it happened (may be backdated)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(200))
    completed_on: Mapped[date | None] = mapped_column(Date)
    assessment_result: Mapped[str | None] = mapped_column(String(60))  # 合格, 优秀
    certificate_number: Mapped[str | None] = mapped_column(String(40))


class TrainingAttendance(Base):
    """Present or absent at one session; a later record replaces the earlier."""

    __tablename__ = "training_attendance"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    enrollment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_enrollments.id", ondelete="CASCADE"), primary_key=True
    )
    training_id: Mapped[uuid.UUID]
    tenant_id: Mapped[uuid.UUID]  # the enrollment's (the laborer's county)
    present: Mapped[bool]
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
