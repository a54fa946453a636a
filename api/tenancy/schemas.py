"""Response bodies of the organizations and pairings API."""

import uuid

from api.schemas import Schema
from shared_models.enums import OrgKind, OrgStatus, PairingMetric


class OrganizationRef(Schema):
    id: uuid.UUID
    name: str
    kind: OrgKind


class OrganizationOut(Schema):
    id: uuid.UUID
    kind: OrgKind
    name: str
    region_code: str
    province: str | None
    status: OrgStatus
    parent_id: uuid.UUID | None
    pairing_id: uuid.UUID | None


class TargetOut(Schema):
    year: int
    metric: PairingMetric
    target: int


class PairingOut(Schema):
    id: uuid.UUID
    agreement_year: int
    sending: OrganizationRef
    receiving: OrganizationRef
    liaison_offices: list[OrganizationRef]
    targets: list[TargetOut]
