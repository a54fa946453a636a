"""Early warning (预警): laborers flagged at risk, and each county's thresholds.

A flag belongs to the laborer's county (`tenant_id`), which its liaison offices read
and work. One flag stands for one cause: (laborer, rule, subject), where the subject
is what the cause is about (the entitlement family, placement, case, leave, employer);
at most one flag per cause is not closed. Flags are derived by the evaluation and
closed by it when the cause goes away; people acknowledge, assign and close them.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import WarningCloseReason, WarningRule, WarningSeverity, WarningStatus

_NOT_CLOSED = text("status <> 'closed'")
SEVERITY_RANK = {WarningSeverity.HIGH: 0, WarningSeverity.MEDIUM: 1, WarningSeverity.LOW: 2}


class WarningFlag(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "warning_flags"
    __table_args__ = (
        Index("ix_warning_flags_tenant_status", "tenant_id", "status", "severity_rank"),
        Index("ix_warning_flags_laborer", "laborer_id", "rule"),
        Index(
            "uq_warning_flags_open",
            "laborer_id",
            "rule",
            "subject_key",
            unique=True,
            sqlite_where=_NOT_CLOSED,
            postgresql_where=_NOT_CLOSED,
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # the county
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    rule: Mapped[WarningRule] = mapped_column(str_enum(WarningRule, 24))
    subject_key: Mapped[str] = mapped_column(String(40))
    severity: Mapped[WarningSeverity] = mapped_column(str_enum(WarningSeverity, 8))
    severity_rank: Mapped[int]  # 0 high, 1 medium, 2 low: the queue's order
    reason: Mapped[str] = mapped_column(String(300))  # in Chinese, with the figures
    since: Mapped[date] = mapped_column(Date)  # when the cause began: the flag's age
    raised_on: Mapped[date] = mapped_column(Date)
    status: Mapped[WarningStatus] = mapped_column(str_enum(WarningStatus, 16))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_label: Mapped[str | None] = mapped_column(String(120))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    assignee_label: Mapped[str | None] = mapped_column(String(120))
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[WarningCloseReason | None] = mapped_column(
        str_enum(WarningCloseReason, 16)
    )
    close_note: Mapped[str | None] = mapped_column(String(500))
    closed_by_label: Mapped[str | None] = mapped_column(String(120))
    # The welfare-visit case that answered the flag (the visit queue's one action).
    answered_by_case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))


class WarningSettings(Base):
    """A county's thresholds; a county without a row uses the defaults."""

    __tablename__ = "warning_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    unverified_days: Mapped[int] = mapped_column(default=60)
    dispute_days: Mapped[int] = mapped_column(default=30)
    idle_days: Mapped[int] = mapped_column(default=90)
    leave_grace_days: Mapped[int] = mapped_column(default=0)
    employer_disputes: Mapped[int] = mapped_column(default=3)
    updated_by_label: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


DEFAULT_THRESHOLDS = {
    "unverified_days": 60,
    "dispute_days": 30,
    "idle_days": 90,
    "leave_grace_days": 0,
    "employer_disputes": 3,
}
