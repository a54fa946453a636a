"""Provisioning tenants and pairings (platform operator) and reading the directory."""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.db import use_operator_access
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.i18n import _
from api.tenancy import repository
from shared_models import Organization, Pairing, PairingTarget, Supervision
from shared_models.base import utcnow
from shared_models.enums import OrgKind, PairingMetric
from shared_models.validators import RegionCodeError, validate_region_code

ORG_AUDIT_FIELDS = ("kind", "name", "region_code", "parent_id", "pairing_id", "status")
PAIRING_AUDIT_FIELDS = ("sending_org_id", "receiving_org_id", "agreement_year")


@dataclass(frozen=True)
class PairingView:
    pairing: Pairing
    liaison_offices: list[Organization]


def _invalid(field: str, message: str, code: str, **params: object) -> ValidationFailed:
    return ValidationFailed(errors=[FieldError(field, message, code, params)])


def resolve_organization(session: Session, ref: str, field: str = "org") -> Organization:
    """An organization by UUID or exact name (operator commands)."""
    ref = ref.strip()
    org = None
    try:
        org = repository.organization_by_id(session, uuid.UUID(ref))
    except ValueError:
        org = repository.organization_by_name(session, ref)
    if org is None:
        raise _invalid(field, _("No organization is called or numbered {ref}."), "unknown", ref=ref)
    return org


def resolve_pairing(session: Session, ref: str) -> Pairing:
    """A pairing by UUID, or as 'SENDING/RECEIVING' (names or ids)."""
    ref = ref.strip()
    pairing = None
    if "/" in ref:
        sending_ref, receiving_ref = ref.split("/", 1)
        sending = resolve_organization(session, sending_ref, "pairing")
        receiving = resolve_organization(session, receiving_ref, "pairing")
        pairing = repository.pairing_between(session, sending.id, receiving.id)
    else:
        try:
            pairing = repository.pairing_by_id(session, uuid.UUID(ref))
        except ValueError:
            pairing = None
    if pairing is None:
        raise _invalid("pairing", _("No pairing matches {ref}."), "unknown", ref=ref)
    return pairing


def create_organization(
    session: Session,
    *,
    kind: str,
    name: str,
    region_code: str,
    parent_ref: str | None = None,
    pairing_ref: str | None = None,
) -> Organization:
    errors: list[FieldError] = []
    try:
        org_kind = OrgKind(kind)
    except ValueError:
        raise _invalid(
            "kind", _("Kind must be sending, receiving, liaison or supervising."), "invalid_choice"
        ) from None
    name = " ".join(name.split())
    if not name or len(name) > 120:
        errors.append(FieldError("name", _("Give a name of 1 to 120 characters."), "length"))
    elif repository.organization_by_name(session, name):
        raise Conflict(_("An organization named {name} already exists."), params={"name": name})
    try:
        region_code = validate_region_code(region_code, known=True)
    except RegionCodeError as exc:
        message = {
            "format": _("A region code has exactly 6 digits."),
            "province": _("{prefix} is not the code of a Chinese province-level division."),
        }.get(exc.reason, _("{code} is not a known region code (GB/T 2260)."))
        errors.append(
            FieldError(
                "region",
                message,
                "region_" + exc.reason,
                {"prefix": region_code.strip()[:2], "code": region_code.strip()},
            )
        )
    parent = pairing = None
    if org_kind is OrgKind.LIAISON:
        if not parent_ref or not pairing_ref:
            errors.append(
                FieldError(
                    "parent",
                    _("A liaison office needs --parent (its sending bureau) and --pairing."),
                    "required",
                )
            )
        else:
            parent = resolve_organization(session, parent_ref, "parent")
            pairing = resolve_pairing(session, pairing_ref)
            if parent.kind is not OrgKind.SENDING:
                errors.append(
                    FieldError("parent", _("The parent must be a sending bureau."), "parent_kind")
                )
            elif pairing.sending_org_id != parent.id:
                errors.append(
                    FieldError(
                        "pairing",
                        _("The pairing must be one of the parent bureau's own pairings."),
                        "pairing_mismatch",
                    )
                )
    elif parent_ref or pairing_ref:
        errors.append(
            FieldError(
                "parent",
                _("Only a liaison office has a parent bureau and a pairing."),
                "not_allowed",
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    org = Organization(
        id=uuid.uuid4(),
        kind=org_kind,
        name=name,
        region_code=region_code,
        parent_id=parent.id if parent else None,
        pairing_id=pairing.id if pairing else None,
    )
    repository.add(session, org)
    access = use_operator_access(session, org.id)
    audit.record(
        session,
        access,
        action="organization.create",
        entity_type="organization",
        entity_id=org.id,
        after=audit.snapshot(org, ORG_AUDIT_FIELDS),
    )
    if parent is not None:
        parent_access = use_operator_access(session, parent.id)
        audit.record(
            session,
            parent_access,
            action="organization.liaison_office_added",
            entity_type="organization",
            entity_id=org.id,
            after=audit.snapshot(org, ORG_AUDIT_FIELDS),
        )
    return org


def create_pairing(session: Session, *, sending_ref: str, receiving_ref: str, year: int) -> Pairing:
    sending = resolve_organization(session, sending_ref, "sending")
    receiving = resolve_organization(session, receiving_ref, "receiving")
    errors = []
    if sending.kind is not OrgKind.SENDING:
        errors.append(
            FieldError(
                "sending", _("{name} is not a sending bureau."), "kind", {"name": sending.name}
            )
        )
    if receiving.kind is not OrgKind.RECEIVING:
        errors.append(
            FieldError(
                "receiving",
                _("{name} is not a receiving bureau."),
                "kind",
                {"name": receiving.name},
            )
        )
    if not 2000 <= year <= 2100:
        errors.append(FieldError("year", _("Give a year between 2000 and 2100."), "out_of_range"))
    if errors:
        raise ValidationFailed(errors=errors)
    existing = repository.pairing_between(session, sending.id, receiving.id)
    if existing:
        raise Conflict(
            _("{sending} and {receiving} are already paired (pairing {id})."),
            params={"sending": sending.name, "receiving": receiving.name, "id": existing.id},
        )
    pairing = Pairing(
        id=uuid.uuid4(),
        sending_org_id=sending.id,
        receiving_org_id=receiving.id,
        agreement_year=year,
    )
    repository.add(session, pairing)
    for side in (sending.id, receiving.id):
        audit.record(
            session,
            use_operator_access(session, side),
            action="pairing.create",
            entity_type="pairing",
            entity_id=pairing.id,
            after=audit.snapshot(pairing, PAIRING_AUDIT_FIELDS),
        )
    return pairing


def supervise(session: Session, *, supervisor_ref: str, bureau_ref: str) -> Supervision:
    """Put a sending or receiving bureau under a supervising organization: from then on
    its period reports go there, and the supervisor reads its figures (never its
    people). Idempotent: an existing supervision is returned as it is."""
    supervisor = resolve_organization(session, supervisor_ref, "supervisor")
    bureau = resolve_organization(session, bureau_ref, "bureau")
    errors = []
    if supervisor.kind is not OrgKind.SUPERVISING:
        errors.append(
            FieldError(
                "supervisor",
                _("{name} is not a supervising organization."),
                "kind",
                {"name": supervisor.name},
            )
        )
    if bureau.kind not in (OrgKind.SENDING, OrgKind.RECEIVING):
        errors.append(
            FieldError(
                "bureau",
                _("{name} is not a sending or receiving bureau."),
                "kind",
                {"name": bureau.name},
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    existing = repository.supervision(session, supervisor.id, bureau.id)
    if existing is not None:
        return existing
    supervision = Supervision(supervisor_id=supervisor.id, bureau_id=bureau.id)
    repository.add(session, supervision)
    for side in (supervisor.id, bureau.id):
        audit.record(
            session,
            use_operator_access(session, side),
            action="organization.supervision_added",
            entity_type="organization",
            entity_id=bureau.id,
            after={"supervisor": supervisor.name, "bureau": bureau.name},
        )
    return supervision


def set_target(
    session: Session, pairing: Pairing, *, year: int, metric: str, value: int
) -> PairingTarget:
    try:
        metric_kind = PairingMetric(metric)
    except ValueError:
        raise _invalid(
            "metric",
            _("Unknown target {metric}; choose one of {choices}."),
            "invalid_choice",
            metric=metric,
            choices=", ".join(m.value for m in PairingMetric),
        ) from None
    if value < 0:
        raise _invalid("value", _("A target cannot be negative."), "out_of_range")
    target = repository.target(session, pairing.id, year, metric_kind)
    before = {"target": target.target} if target else None
    if target is None:
        target = PairingTarget(pairing_id=pairing.id, year=year, metric=metric_kind, target=value)
        repository.add(session, target)
    else:
        target.target = value
        target.updated_at = utcnow()
    for side in (pairing.sending_org_id, pairing.receiving_org_id):
        audit.record(
            session,
            use_operator_access(session, side),
            action="pairing.target_set",
            entity_type="pairing",
            entity_id=pairing.id,
            before=before,
            after={"year": year, "metric": metric_kind.value, "target": value},
        )
    return target


# --- reads for tenant users -------------------------------------------------------------


def visible_organizations(session: Session, access: AccessContext) -> list[Organization]:
    return list(repository.visible_organizations(session, access))


def get_organization(session: Session, access: AccessContext, org_id: uuid.UUID) -> Organization:
    org = repository.visible_organization(session, access, org_id)
    if org is None:
        raise NotFound()
    return org


def visible_pairings(session: Session, access: AccessContext) -> list[PairingView]:
    pairings = repository.visible_pairings(session, access)
    offices = repository.liaison_offices(session, [p.id for p in pairings])
    return [PairingView(p, [o for o in offices if o.pairing_id == p.id]) for p in pairings]


def get_pairing(session: Session, access: AccessContext, pairing_id: uuid.UUID) -> PairingView:
    pairing = repository.visible_pairing(session, access, pairing_id)
    if pairing is None:
        raise NotFound()
    offices = repository.liaison_offices(session, [pairing.id])
    return PairingView(pairing, list(offices))


def can_see(access: AccessContext, org_id: uuid.UUID) -> bool:
    return access.can_read(DataKind.ORGANIZATION, org_id)
