"""Frozen figures of a reporting period (issue 13): a snapshot and its indicator values.

A snapshot keeps what the records showed when it was taken; the figures are never
updated. A later correction to the records shows as a revision (the live value against
the frozen one), computed on reading, never as a change here.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import ReportStatus, SnapshotReason

PERIOD_KINDS = ["week", "xun", "month", "quarter", "year"]
_SCHEDULED = text("reason = 'scheduled'")


class StatSnapshot(UuidPrimaryKey, Base):
    __tablename__ = "stat_snapshots"
    __table_args__ = (
        UniqueConstraint("tenant_id", "period_code", "reason", "taken_at"),
        # The nightly run freezes a period once: a second run finds it and stops.
        Index(
            "uq_stat_snapshots_scheduled",
            "tenant_id",
            "period_code",
            unique=True,
            sqlite_where=_SCHEDULED,
            postgresql_where=_SCHEDULED,
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    period_code: Mapped[str] = mapped_column(String(10))  # 2026-W49, 2026-12-2, 2026-Q4
    period_kind: Mapped[str] = mapped_column(String(8))  # api.oversight.periods.PeriodKind
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The last day counted: the period's end, or the day taken for one under way.
    as_of: Mapped[date] = mapped_column(Date)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    taken_by_label: Mapped[str] = mapped_column(String(120))
    reason: Mapped[SnapshotReason] = mapped_column(str_enum(SnapshotReason, 16))

    values: Mapped[list["StatSnapshotValue"]] = relationship(
        back_populates="snapshot",
        cascade="all, delete-orphan",
    )


class StatSnapshotValue(Base):
    """One indicator's frozen value. `tenant_id` repeats the snapshot's so that
    row-level security needs no join."""

    __tablename__ = "stat_snapshot_values"

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stat_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    # Sums of yuan too, so 64 bits.
    numerator: Mapped[int] = mapped_column(BigInteger)
    denominator: Mapped[int | None] = mapped_column(BigInteger)

    snapshot: Mapped[StatSnapshot] = relationship(back_populates="values")


class PeriodReport(UuidPrimaryKey, Base):
    """A bureau's report for one period (周统计、旬分析、月调度), submitted to its
    supervisors. Each submission freezes a snapshot of the figures; the row points at
    the latest. Its history (submitted, returned with a reason, resubmitted, accepted)
    is in the audit log."""

    __tablename__ = "period_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "period_code"),
        Index("ix_period_reports_period_code", "period_code"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    period_code: Mapped[str] = mapped_column(String(10))
    period_kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus, 16))
    snapshot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stat_snapshots.id"))
    # The bureau's analysis (旬分析's comment box); the figures are the snapshot's.
    comment: Mapped[str] = mapped_column(Text, default="")
    # Lateness is judged on the first submission: a resubmission after a return is not late.
    first_submitted_at: Mapped[datetime]
    submitted_at: Mapped[datetime]
    submitted_by_label: Mapped[str] = mapped_column(String(120))
    submissions: Mapped[int] = mapped_column(default=1)
    decided_at: Mapped[datetime | None]
    decided_by_label: Mapped[str | None] = mapped_column(String(120))
    return_reason: Mapped[str | None] = mapped_column(Text)

    snapshot: Mapped[StatSnapshot] = relationship()
