"""The access resolver's bootstrap query.

It runs before an AccessContext exists, which is why it alone takes a bare tenant id.
The directory tables it reads (organizations, pairings) hold no tenant data and carry
no row-level security; every other query goes through a repository that takes the
AccessContext.
"""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from shared_models import Organization, Pairing, Supervision
from shared_models.enums import OrgKind


@dataclass
class ScopeRows:
    tenant: Organization
    pairings: list[Pairing] = field(default_factory=list)
    pairing_member_ids: set[uuid.UUID] = field(default_factory=set)
    county_ids: set[uuid.UUID] = field(default_factory=set)
    partner_ids: set[uuid.UUID] = field(default_factory=set)
    # Sending bureaus sharing a receiving partner with this tenant's county (itself
    # included): where a laborer registered twice would show up.
    co_paired_sending_ids: set[uuid.UUID] = field(default_factory=set)
    # For a supervising organization: the bureaus it oversees. For a bureau: who
    # oversees it (its reports go to them).
    supervised_ids: set[uuid.UUID] = field(default_factory=set)
    supervisor_ids: set[uuid.UUID] = field(default_factory=set)


class UnknownTenant(LookupError):
    pass


_OtherPairing = aliased(Pairing)


def load_scope_rows(
    session: Session, tenant_id: uuid.UUID, *, supervision: bool = True
) -> ScopeRows:
    """The tenant and its pairings, offices and partners; with `supervision`, who
    supervises it (or whom it supervises)."""
    tenant = session.get(Organization, tenant_id)
    if tenant is None:
        raise UnknownTenant(tenant_id)
    rows = ScopeRows(tenant=tenant)
    if tenant.kind is OrgKind.SUPERVISING:
        rows.supervised_ids = set(
            session.scalars(
                select(Supervision.bureau_id).where(Supervision.supervisor_id == tenant.id)
            )
        )
        return rows
    if supervision:
        rows.supervisor_ids = set(
            session.scalars(
                select(Supervision.supervisor_id).where(Supervision.bureau_id == tenant.id)
            )
        )
    if tenant.kind is OrgKind.SENDING:
        pairing_filter = Pairing.sending_org_id == tenant.id
        county_head = tenant.id
    elif tenant.kind is OrgKind.RECEIVING:
        pairing_filter = Pairing.receiving_org_id == tenant.id
        county_head = None
    else:
        pairing_filter = Pairing.id == tenant.pairing_id
        county_head = tenant.parent_id
    rows.pairings = list(session.scalars(select(Pairing).where(pairing_filter)))
    pairing_ids = [p.id for p in rows.pairings]
    for p in rows.pairings:
        rows.pairing_member_ids |= {p.sending_org_id, p.receiving_org_id}
        rows.partner_ids.add(
            p.sending_org_id if tenant.kind is OrgKind.RECEIVING else p.receiving_org_id
        )
    if county_head is not None:
        rows.county_ids.add(county_head)
        rows.co_paired_sending_ids = {county_head} | set(
            session.scalars(
                select(_OtherPairing.sending_org_id)
                .select_from(Pairing)
                .join(_OtherPairing, _OtherPairing.receiving_org_id == Pairing.receiving_org_id)
                .where(Pairing.sending_org_id == county_head)
            )
        )
    conditions: list[ColumnElement[bool]] = []
    if pairing_ids:
        conditions.append(Organization.pairing_id.in_(pairing_ids))
    if county_head is not None:
        conditions.append(Organization.parent_id == county_head)
    if conditions:
        offices = session.execute(
            select(Organization.id, Organization.pairing_id, Organization.parent_id).where(
                Organization.kind == OrgKind.LIAISON, or_(*conditions)
            )
        )
        for office_id, office_pairing, office_parent in offices:
            if office_pairing in pairing_ids:
                rows.pairing_member_ids.add(office_id)
            if county_head is not None and office_parent == county_head:
                rows.county_ids.add(office_id)
    return rows
