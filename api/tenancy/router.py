"""JSON API: the organizations and pairings the caller may see."""

import uuid

from fastapi import APIRouter

from api.deps import Access, DbSession
from api.routing import JsonRoute
from api.tenancy import service
from api.tenancy.schemas import OrganizationOut, OrganizationRef, PairingOut, TargetOut
from shared_models import Organization
from shared_models.validators.region import province_name

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["tenancy"])


def _org_out(org: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=org.id,
        kind=org.kind,
        name=org.name,
        region_code=org.region_code,
        province=province_name(org.region_code),
        status=org.status,
        parent_id=org.parent_id,
        pairing_id=org.pairing_id,
    )


def _pairing_out(view: service.PairingView) -> PairingOut:
    p = view.pairing
    return PairingOut(
        id=p.id,
        agreement_year=p.agreement_year,
        sending=OrganizationRef.model_validate(p.sending),
        receiving=OrganizationRef.model_validate(p.receiving),
        liaison_offices=[OrganizationRef.model_validate(o) for o in view.liaison_offices],
        targets=[TargetOut.model_validate(t) for t in p.targets],
    )


@router.get("/organizations", response_model=list[OrganizationOut])
def list_organizations(access: Access, session: DbSession) -> list[OrganizationOut]:
    """The caller's tenant, its pairing partners and liaison offices, its county."""
    return [_org_out(o) for o in service.visible_organizations(session, access)]


@router.get("/organizations/{organization_id}", response_model=OrganizationOut)
def get_organization(
    organization_id: uuid.UUID, access: Access, session: DbSession
) -> OrganizationOut:
    return _org_out(service.get_organization(session, access, organization_id))


@router.get("/pairings", response_model=list[PairingOut])
def list_pairings(access: Access, session: DbSession) -> list[PairingOut]:
    return [_pairing_out(v) for v in service.visible_pairings(session, access)]


@router.get("/pairings/{pairing_id}", response_model=PairingOut)
def get_pairing(pairing_id: uuid.UUID, access: Access, session: DbSession) -> PairingOut:
    return _pairing_out(service.get_pairing(session, access, pairing_id))
