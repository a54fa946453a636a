"""Spreadsheet imports: an uploaded file, its preview and, once committed, its outcome."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shared_models.base import Base, JsonDoc, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import ImportStatus


class ImportBatch(UuidPrimaryKey, Base):
    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_tenant_created", "tenant_id", "created_at"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(String(32))  # "laborers", later "vacancies", ...
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, 16))
    rows: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[datetime | None]
