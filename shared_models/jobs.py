"""Background jobs: long work (imports, handbooks) run by a worker, not by a request."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shared_models.base import Base, JsonDoc, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import JobStatus


class BackgroundJob(UuidPrimaryKey, Base):
    __tablename__ = "background_jobs"
    __table_args__ = (
        Index("ix_background_jobs_status_created", "status", "created_at"),
        Index("ix_background_jobs_tenant_created", "tenant_id", "created_at"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, 16))
    # What the work needs besides the stored upload: form choices, the batch id.
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    filename: Mapped[str | None] = mapped_column(String(255))
    stage: Mapped[str | None] = mapped_column(String(40))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(String(500))
    # The page the finished work leads to (a preview, a saved import).
    outcome_url: Mapped[str | None] = mapped_column(String(255))
    # A downloadable result (a rejected workbook with its reasons), stored sealed on disk.
    result_name: Mapped[str | None] = mapped_column(String(255))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(80))
