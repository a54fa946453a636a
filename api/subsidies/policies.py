"""Subsidy policies as data: the paying bureau writes them; editing one that already has
claims makes a new version in force from a given day, so placements that started
before keep being judged by the rules they started under."""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.i18n import _
from api.subsidies import claims_repository, repository
from shared_models import SubsidyPolicy
from shared_models.enums import OrgKind, Permission, PlacementChannel, PolicyKind, PovertyStatus
from shared_models.validators import RegionCodeError, validate_region_code

RULE_FIELDS = (
    "pairing_id",
    "year",
    "name",
    "kind",
    "amount",
    "months",
    "cap",
    "poverty_statuses",
    "household_region",
    "destination_regions",
    "channels",
    "transfer_from",
    "transfer_until",
    "max_gap_days",
    "max_leave_days",
    "requires_verification",
    "note",
)


@dataclass
class PolicyRecord:
    year: int
    name: str
    kind: PolicyKind
    amount: int
    months: int = 0
    cap: int | None = None
    pairing_id: uuid.UUID | None = None
    poverty_statuses: list[str] = field(default_factory=list)
    household_region: str | None = None
    destination_regions: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    transfer_from: date | None = None
    transfer_until: date | None = None
    max_gap_days: int = 30
    max_leave_days: int = 45
    requires_verification: bool = False
    note: str | None = None


def require_payer(access: AccessContext) -> None:
    access.require(Permission.WRITE)
    if access.tenant_kind is OrgKind.LIAISON or not access.can_write(
        DataKind.SUBSIDY, access.tenant_id
    ):
        raise Forbidden(detail=_("Subsidy policies are written by the bureau that pays them."))


def _prefix(value: str, name: str) -> tuple[str | None, FieldError | None]:
    """A region prefix: 2 (province), 4 (city) or 6 (county) digits."""
    value = value.strip()
    if len(value) not in (2, 4, 6) or not value.isdigit():
        return None, FieldError(
            name,
            _("Give a region code, or its first 2 or 4 digits for a province or city."),
            "region_prefix",
            {"code": value},
        )
    try:
        validate_region_code(value.ljust(6, "0"))
    except RegionCodeError:
        return None, FieldError(
            name,
            _("{code} is not a known region code (GB/T 2260)."),
            "region_unknown",
            {"code": value},
        )
    return value, None


def check(record: PolicyRecord, access: AccessContext) -> list[FieldError]:
    errors: list[FieldError] = []
    if not record.name.strip():
        errors.append(FieldError("name", _("This field is required."), "missing"))
    if record.amount <= 0:
        errors.append(FieldError("amount", _("Give an amount above zero."), "amount"))
    if record.kind is PolicyKind.ON_TRANSFER and record.months:
        errors.append(
            FieldError(
                "months", _("A grant at transfer has no months threshold."), "months_not_used"
            )
        )
    if record.kind is not PolicyKind.ON_TRANSFER and not 1 <= record.months <= 120:
        errors.append(FieldError("months", _("Give a number of months from 1 to 120."), "months"))
    if record.cap is not None and record.kind is not PolicyKind.MONTHLY:
        errors.append(FieldError("cap", _("Only a monthly subsidy has a cap."), "cap_not_used"))
    if record.cap is not None and record.cap < record.amount:
        errors.append(FieldError("cap", _("The cap is below one month's amount."), "cap"))
    if (
        record.transfer_from
        and record.transfer_until
        and record.transfer_until < record.transfer_from
    ):
        errors.append(
            FieldError("transfer_until", _("The end date is before the start date."), "date_order")
        )
    if record.max_gap_days < 0 or record.max_leave_days < 0:
        errors.append(FieldError("max_gap_days", _("Give a number of days, 0 or more."), "days"))
    statuses = {s.value for s in PovertyStatus}
    for value in record.poverty_statuses:
        if value not in statuses:
            errors.append(
                FieldError(
                    "poverty_statuses",
                    _("{value} is not a poverty status."),
                    "unknown_value",
                    {"value": value},
                )
            )
    channels = {c.value for c in PlacementChannel}
    for value in record.channels:
        if value not in channels:
            errors.append(
                FieldError(
                    "channels",
                    _("{value} is not a placement channel."),
                    "unknown_value",
                    {"value": value},
                )
            )
    if record.household_region:
        record.household_region, error = _prefix(record.household_region, "household_region")
        if error:
            errors.append(error)
    cleaned = []
    for value in record.destination_regions:
        prefix, error = _prefix(value, "destination_regions")
        # _prefix gives either the prefix or the error.
        if prefix is not None:
            cleaned.append(prefix)
        elif error:
            errors.append(error)
    record.destination_regions = cleaned
    if record.pairing_id is not None and record.pairing_id not in access.pairing_ids:
        errors.append(
            FieldError("pairing_id", _("This bureau is not in that pairing."), "pairing_unknown")
        )
    return errors


def _values(record: PolicyRecord) -> dict[str, Any]:
    values = asdict(record)
    values["kind"] = record.kind
    return values


def _audited(policy: SubsidyPolicy) -> dict[str, Any]:
    out = {}
    for name in RULE_FIELDS:
        value = getattr(policy, name)
        out[name] = (
            value.isoformat()
            if isinstance(value, date)
            else str(value)
            if isinstance(value, uuid.UUID)
            else value
        )
    out["version"] = policy.version
    return out


def create(session: Session, access: AccessContext, record: PolicyRecord) -> SubsidyPolicy:
    require_payer(access)
    errors = check(record, access)
    if errors:
        raise ValidationFailed(errors=errors)
    policy = SubsidyPolicy(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        family_id=uuid.uuid4(),
        version=1,
        effective_from=None,
        created_by=access.user_id,
        **_values(record),
    )
    repository.add(session, access, policy)
    audit.record(
        session,
        access,
        action="policy.create",
        entity_type="subsidy_policy",
        entity_id=policy.family_id,
        after=_audited(policy),
    )
    return policy


def get(session: Session, access: AccessContext, policy_id: uuid.UUID) -> SubsidyPolicy:
    policy = repository.policy(session, access, policy_id)
    if policy is None:
        raise NotFound()
    return policy


def record_of(policy: SubsidyPolicy) -> PolicyRecord:
    return PolicyRecord(**{name: getattr(policy, name) for name in RULE_FIELDS})


def update(
    session: Session,
    access: AccessContext,
    policy_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
    effective_from: date | None = None,
    today: date | None = None,
) -> SubsidyPolicy:
    """Change the current version in place while nothing was claimed under the policy;
    after that, write a new version in force from `effective_from` (default today)."""
    today = today or clock.today()
    policy = get(session, access, policy_id)  # an outsider learns nothing: 404 first
    require_payer(access)
    if policy.tenant_id != access.tenant_id:
        raise Forbidden(detail=_("Subsidy policies are written by the bureau that pays them."))
    if policy.superseded or policy.version != version:
        latest = repository.versions(session, access, policy.family_id)[-1]
        raise StaleVersion(
            _("Reload the policy: it is at version {current}, you edited version {given}."),
            params={"current": latest.version, "given": version},
            extra={"current_version": latest.version, "current_id": str(latest.id)},
        )
    record = PolicyRecord(**{**asdict(record_of(policy)), **changes})
    errors = check(record, access)
    if errors:
        raise ValidationFailed(errors=errors)
    before = _audited(policy)
    if not claims_repository.has_claims(session, access, policy):
        for name, value in _values(record).items():
            setattr(policy, name, value)
        session.flush()
        audit.record(
            session,
            access,
            action="policy.update",
            entity_type="subsidy_policy",
            entity_id=policy.family_id,
            before=before,
            after=_audited(policy),
        )
        return policy
    start = effective_from or today
    if policy.effective_from is not None and start <= policy.effective_from:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "effective_from",
                    _("The new version must start after {date}, when the current one did."),
                    "effective_from",
                    {"date": policy.effective_from.isoformat()},
                )
            ]
        )
    policy.superseded = True
    successor = SubsidyPolicy(
        id=uuid.uuid4(),
        tenant_id=policy.tenant_id,
        family_id=policy.family_id,
        version=policy.version + 1,
        effective_from=start,
        created_by=access.user_id,
        **_values(record),
    )
    repository.add(session, access, successor)
    audit.record(
        session,
        access,
        action="policy.version",
        entity_type="subsidy_policy",
        entity_id=policy.family_id,
        before=before,
        after={**_audited(successor), "effective_from": start.isoformat()},
    )
    return successor
