"""Referrals: a county recommends a laborer for a vacancy and follows it to a hire."""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import ReferralStatus

if TYPE_CHECKING:
    from shared_models.demand import Vacancy
    from shared_models.supply import Laborer

ACTIVE_STATUSES = ("recommended", "interviewed", "offered", "hired")
_LIVE = text("status IN ('recommended', 'interviewed', 'offered', 'hired')")


class Referral(UuidPrimaryKey, Timestamps, Base):
    """Owned by the laborer's county (`tenant_id`); the vacancy's bureau
    (`vacancy_tenant_id`) reads it and records interviews and offers."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_laborer", "laborer_id"),
        Index("ix_referrals_vacancy", "vacancy_id", "status"),
        Index("ix_referrals_vacancy_tenant", "vacancy_tenant_id", "laborer_id"),
        # One live referral per laborer and vacancy; a declined or withdrawn one may be
        # followed by a new one.
        Index(
            "uq_referrals_live",
            "laborer_id",
            "vacancy_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    vacancy_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    vacancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vacancies.id"))
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API

    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus, 16))
    status_on: Mapped[date] = mapped_column(Date)  # the date of the current step
    hired_on: Mapped[date | None] = mapped_column(Date)  # the placements start from here
    match_score: Mapped[int | None]  # the score when referred, for the record
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", order_by="ReferralEvent.created_at"
    )
    laborer: Mapped["Laborer"] = relationship()
    vacancy: Mapped["Vacancy"] = relationship()


class ReferralEvent(UuidPrimaryKey, Base):
    """One step of a referral: what changed, on which date, recorded by whom."""

    __tablename__ = "referral_events"
    __table_args__ = (Index("ix_referral_events_referral", "referral_id", "created_at"),)

    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    tenant_id: Mapped[uuid.UUID]  # the referral's (laborer's county), for RLS
    vacancy_tenant_id: Mapped[uuid.UUID]  # the referral's vacancy owner, for RLS
    from_status: Mapped[ReferralStatus | None] = mapped_column(str_enum(ReferralStatus, 16))
    to_status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus, 16))
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    recorded_by_tenant: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="events")
