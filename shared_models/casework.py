"""Liaison-office casework: welfare visits (节日慰问/走访), hardship aid (困难帮扶),
onboarding assistance (入职援助) and disputes (工资纠纷, 工伤鉴定), with dated notes and
attachments.

A case belongs to the liaison office that keeps it (`tenant_id`); `county_id` is the
office's sending bureau, whose laborers the case is about. What figures need is typed
(dates, kinds, amounts in yuan, the employer); the rest of each kind's form is in
`details`. A dispute with an employer of the pool carries the employer's bureau
(`employer_tenant_id`): that bureau reads the dispute, masked.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, JsonDoc, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import CaseKind, CaseStatus, DisputeKind


class Case(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_tenant_occurred", "tenant_id", "occurred_on"),
        Index("ix_cases_county_kind", "county_id", "kind", "status"),
        Index("ix_cases_employer_tenant", "employer_tenant_id", "kind"),
        CheckConstraint("aid_amount IS NULL OR aid_amount >= 0", name="aid_amount"),
        CheckConstraint("amount_disputed IS NULL OR amount_disputed >= 0", name="amount_disputed"),
        CheckConstraint(
            "amount_recovered IS NULL OR amount_recovered >= 0", name="amount_recovered"
        ),
        CheckConstraint("(kind = 'dispute') = (dispute_kind IS NOT NULL)", name="dispute_kind"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # the office
    county_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    kind: Mapped[CaseKind] = mapped_column(str_enum(CaseKind, 16))
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus, 16))
    # The visit's date, the aid's, the arrival's, or when the dispute was brought.
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(500))
    place: Mapped[str | None] = mapped_column(String(200))
    # Hardship aid paid, or gifts and aid given on a visit (yuan).
    aid_amount: Mapped[int | None]
    dispute_kind: Mapped[DisputeKind | None] = mapped_column(str_enum(DisputeKind, 16))
    employer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employers.id"))
    employer_tenant_id: Mapped[uuid.UUID | None]
    employer_name: Mapped[str | None] = mapped_column(String(120))
    amount_disputed: Mapped[int | None]  # yuan
    amount_recovered: Mapped[int | None]  # yuan
    authority: Mapped[str | None] = mapped_column(String(120))  # 劳动监察大队, 仲裁委
    deadline: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(500))
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The rest of the kind's form: visitors, findings, gifts; cause, goods, approval;
    # arrival, accommodation, contract signed, first wage paid.
    details: Mapped[dict[str, object]] = mapped_column(JsonDoc, default=dict)
    opened_by_label: Mapped[str] = mapped_column(String(120))

    laborers: Mapped[list["CaseLaborer"]] = relationship(
        back_populates="case", order_by="CaseLaborer.position", cascade="all, delete-orphan"
    )
    notes: Mapped[list["CaseNote"]] = relationship(
        back_populates="case",
        order_by="(CaseNote.written_on, CaseNote.created_at)",
        cascade="all, delete-orphan",
    )


class CaseLaborer(UuidPrimaryKey, Base):
    """A laborer the case is about; the name is copied so that the employer's bureau
    can be shown it masked without reading the county's register."""

    __tablename__ = "case_laborers"
    __table_args__ = (Index("ix_case_laborers_laborer", "laborer_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    tenant_id: Mapped[uuid.UUID]  # the case's office, for row-level security
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]

    case: Mapped[Case] = relationship(back_populates="laborers")


class CaseNote(UuidPrimaryKey, Base):
    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case", "case_id", "written_on"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    tenant_id: Mapped[uuid.UUID]
    written_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(60))  # the named staff member
    body: Mapped[str] = mapped_column(Text)
    recorded_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")


class CaseAttachment(UuidPrimaryKey, Base):
    """A photo or scanned document, stored sealed under its id; `display_name` is the
    cleaned name shown and offered on download, never a path."""

    __tablename__ = "case_attachments"
    __table_args__ = (
        Index("ix_case_attachments_case", "case_id"),
        CheckConstraint("size_bytes > 0", name="size_bytes"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    note_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_notes.id", ondelete="CASCADE")
    )
    tenant_id: Mapped[uuid.UUID]
    display_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
