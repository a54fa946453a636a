"""Figures remembered between requests (issue 13's speed), and the change log that says
when one is out of date.

`stat_changes` gets a row from a trigger on every table a figure is counted from, each
time a statement changes it: the owning tenant (NULL for a table without one, which then
counts as a change for everyone) and the table. A remembered figure keeps the count and
id sum of the change rows its reader could see when it was computed; any change since
alters them, so a figure is never served out of date. Counting rows rather than taking
the highest id keeps a change committed late (its id taken before a figure was computed,
its row visible only after) from being missed.
"""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared_models.base import Base, JsonDoc, utcnow

# Tables no figure is counted from: they get no change trigger, so writing them (every
# request writes a session or the audit log) leaves remembered figures in place. Every
# other table is a source (migration 0017; tests/migrations/test_figure_sources.py fails
# on a table in neither list's keeping).
NOT_COUNTED = frozenset(
    {
        "alembic_version",
        "api_tokens",
        "audit_heads",
        "audit_log",
        "background_jobs",
        "case_attachments",
        "case_notes",
        "idempotency_records",
        "import_batches",
        "laborer_identities",
        "memberships",
        "payee_accounts",
        "period_reports",
        "scheduled_runs",
        "sign_in_attempts",
        "stat_changes",
        "stat_figures",
        "stat_snapshot_values",
        "stat_snapshots",
        "users",
        "web_sessions",
    }
)


class StatChange(Base):
    __tablename__ = "stat_changes"
    # (tenant_id, id): the counts a reader checks are read from the index alone.
    __table_args__ = (Index("ix_stat_changes_tenant_id", "tenant_id", "id"),)

    # Integer on SQLite, where only INTEGER PRIMARY KEY counts up by itself.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    tenant_id: Mapped[uuid.UUID | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(63))


class StatFigure(Base):
    """One remembered result of a statistics query, for one view of the records (the
    tenant sets a reader may read: api.oversight.figure_cache.view_key)."""

    __tablename__ = "stat_figures"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    view_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    figure_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    changes_seen: Mapped[int] = mapped_column(BigInteger)
    changes_sum: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[object] = mapped_column(JsonDoc)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
