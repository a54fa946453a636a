"""Placements (employment spells), monthly stay verification and holiday leave."""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import EvidenceSource, PlacementChannel, SeparationReason

if TYPE_CHECKING:
    from shared_models.supply import Laborer

_OPEN = text("ended_on IS NULL")


class Placement(UuidPrimaryKey, Timestamps, Base):
    """One employment spell of a laborer, owned by the laborer's county. The bureau of
    the employer (`employer_tenant_id`) reads it and may record a separation."""

    __tablename__ = "placements"
    __table_args__ = (
        Index("ix_placements_laborer", "laborer_id", "started_on"),
        Index("ix_placements_tenant_start", "tenant_id", "started_on"),
        Index("ix_placements_employer_tenant", "employer_tenant_id"),
        # At most one open spell per laborer: the database says so, not only the code.
        Index(
            "uq_placements_open",
            "laborer_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        UniqueConstraint("referral_id"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),
        CheckConstraint(
            "separation_reason IS NULL OR ended_on IS NOT NULL", name="separation_when_ended"
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API

    # From the demand pool, or free text for a job the laborer found themselves.
    employer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employers.id"))
    employer_tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    employer_name: Mapped[str] = mapped_column(String(120))
    vacancy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vacancies.id"))
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referrals.id"))
    region_code: Mapped[str] = mapped_column(String(6))  # where the work is
    city: Mapped[str] = mapped_column(String(40))
    channel: Mapped[PlacementChannel] = mapped_column(str_enum(PlacementChannel, 16))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # the last day in post
    separation_reason: Mapped[SeparationReason | None] = mapped_column(
        str_enum(SeparationReason, 20)
    )
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    laborer: Mapped["Laborer"] = relationship()
    verifications: Mapped[list["StayVerification"]] = relationship(
        back_populates="placement", order_by="StayVerification.month"
    )
    leaves: Mapped[list["HolidayLeave"]] = relationship(
        back_populates="placement", order_by="HolidayLeave.left_on"
    )


class StayVerification(UuidPrimaryKey, Base):
    """在岗核实: for one calendar month of a placement, in post or not, and on what
    evidence. A later record for the same month replaces it (the audit log keeps both)."""

    __tablename__ = "stay_verifications"
    __table_args__ = (
        UniqueConstraint("placement_id", "month"),
        Index("ix_stay_verifications_laborer", "laborer_id", "month"),
    )

    tenant_id: Mapped[uuid.UUID]  # the placement's, for row-level security
    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    in_post: Mapped[bool]
    source: Mapped[EvidenceSource] = mapped_column(str_enum(EvidenceSource, 20))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    recorded_by_tenant: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="verifications")


class HolidayLeave(UuidPrimaryKey, Timestamps, Base):
    """返乡: on leave for the holiday (Spring Festival), not separated."""

    __tablename__ = "holiday_leaves"
    __table_args__ = (
        Index("ix_holiday_leaves_placement", "placement_id", "left_on"),
        Index("ix_holiday_leaves_tenant_open", "tenant_id", "returned_on", "expected_return_on"),
        CheckConstraint("expected_return_on >= left_on", name="expected_after_leaving"),
        CheckConstraint("returned_on IS NULL OR returned_on >= left_on", name="returned"),
    )

    tenant_id: Mapped[uuid.UUID]  # the placement's
    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    left_on: Mapped[date] = mapped_column(Date)  # the first day away
    expected_return_on: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)  # the first day back at work
    trip: Mapped[str | None] = mapped_column(String(120))  # the chartered bus, where organized
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    placement: Mapped[Placement] = relationship(back_populates="leaves")
