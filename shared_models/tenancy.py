"""Tenants (organizations) and the pairings that let two bureaus work together."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import OrgKind, OrgStatus, PairingMetric


class Organization(UuidPrimaryKey, Timestamps, Base):
    """A tenant: a sending bureau, a receiving bureau, a liaison office, or a
    supervising organization over some bureaus (see Supervision).

    A liaison office belongs to one sending bureau (parent) and is stationed under
    one pairing of that bureau.
    """

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'liaison' AND parent_id IS NOT NULL AND pairing_id IS NOT NULL)"
            " OR (kind <> 'liaison' AND parent_id IS NULL AND pairing_id IS NULL)",
            name="liaison_links",
        ),
        CheckConstraint("kind IN ('sending', 'receiving', 'liaison', 'supervising')", name="kind"),
        CheckConstraint("status IN ('active', 'suspended')", name="status"),
        Index("ix_organizations_parent_id", "parent_id"),
        Index("ix_organizations_pairing_id", "pairing_id"),
    )

    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, 16))
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    status: Mapped[OrgStatus] = mapped_column(str_enum(OrgStatus, 16), default=OrgStatus.ACTIVE)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    # use_alter: pairings reference organizations too, so this key is added afterwards.
    pairing_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pairings.id", use_alter=True))

    parent: Mapped["Organization | None"] = relationship(remote_side="Organization.id")


class Pairing(UuidPrimaryKey, Timestamps, Base):
    """A cooperation agreement (协作关系) between one sending and one receiving bureau."""

    __tablename__ = "pairings"
    __table_args__ = (
        UniqueConstraint("sending_org_id", "receiving_org_id"),
        CheckConstraint("sending_org_id <> receiving_org_id", name="distinct_sides"),
        CheckConstraint("agreement_year BETWEEN 2000 AND 2100", name="year"),
        Index("ix_pairings_receiving_org_id", "receiving_org_id"),
    )

    sending_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    receiving_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    agreement_year: Mapped[int]

    sending: Mapped[Organization] = relationship(foreign_keys=[sending_org_id])
    receiving: Mapped[Organization] = relationship(foreign_keys=[receiving_org_id])
    targets: Mapped[list["PairingTarget"]] = relationship(
        back_populates="pairing", order_by="[PairingTarget.year, PairingTarget.metric]"
    )


class PairingTarget(UuidPrimaryKey, Base):
    """One annual target of a pairing, e.g. laborers to transfer in 2021."""

    __tablename__ = "pairing_targets"
    __table_args__ = (
        UniqueConstraint("pairing_id", "year", "metric"),
        CheckConstraint("target >= 0", name="non_negative"),
    )

    pairing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    year: Mapped[int]
    metric: Mapped[PairingMetric] = mapped_column(str_enum(PairingMetric, 40))
    target: Mapped[int]
    updated_at: Mapped[datetime | None]

    pairing: Mapped[Pairing] = relationship(back_populates="targets")


class Supervision(Base):
    """A supervising organization (OrgKind.SUPERVISING) over one bureau: it reads the
    bureau's figures and reports and signs the reports off. A directory row like a
    pairing: it names who oversees whom and holds no tenant data."""

    __tablename__ = "supervisions"
    __table_args__ = (
        CheckConstraint("supervisor_id <> bureau_id", name="distinct"),
        Index("ix_supervisions_bureau_id", "bureau_id"),
    )

    supervisor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id"), primary_key=True
    )
    bureau_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
