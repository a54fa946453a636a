"""Subsidy claims: money owed is claimed once and paid once (payment batches are in
`payments`).

raised (paying bureau) → verified (the county's liaison office) → approved (a second
person of the paying bureau, never the one who raised it) → batched → paid, or rejected
with a reason at any step before paid (its money can then be claimed again). Each unit
of money sits in `claim_units` under a partial unique index while its claim lives: a
second claim or payment of it cannot be written, whatever the code above does."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import Conflict, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.i18n import _, gettext
from api.labels import label
from api.subsidies import claims_repository as repository
from api.subsidies import entitlements, policies
from api.subsidies import repository as policy_repository
from api.subsidies.entitlements import Records, judge, terms_of
from api.subsidies.rules import Person, Unit, within_cap
from api.supply import repository as supply_repository
from shared_models import ClaimUnit, Laborer, SubsidyClaim
from shared_models.base import utcnow
from shared_models.enums import ClaimStatus, OrgKind, Permission

BEFORE_PAYMENT = (
    ClaimStatus.RAISED,
    ClaimStatus.VERIFIED,
    ClaimStatus.APPROVED,
    ClaimStatus.BATCHED,
)


def _check_version(claim: SubsidyClaim, version: int) -> None:
    if claim.version != version:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": claim.version, "given": version},
            extra={"current_version": claim.version},
        )


def _runs(units: list[Unit]) -> list[list[Unit]]:
    """Consecutive unit numbers together: one claim per run."""
    runs: list[list[Unit]] = []
    for unit in sorted(units, key=lambda u: u.number):
        if runs and runs[-1][-1].number + 1 == unit.number:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    return runs


def claimable(
    session: Session, access: AccessContext, laborer: Laborer, family_id: uuid.UUID, as_of: date
) -> tuple[uuid.UUID, uuid.UUID | None, list[Unit]]:
    """(policy version, placement, units earned and not held by a live claim)."""
    versions = policy_repository.versions(session, access, family_id)
    if not versions or versions[0].tenant_id != access.tenant_id:
        raise NotFound()
    records: Records = entitlements.load_records(session, access, [laborer.id])[laborer.id]
    person = Person(laborer.poverty_status.value, laborer.region_code)
    policy, result = judge(versions, person, records, as_of)
    held = repository.held_units(session, access, family_id, laborer.id)
    earned = [u for u in result.units if u.earned and u.number not in held]
    # Per person, not per stay: what live claims hold for any stay counts toward the cap.
    held_yuan = repository.held_amount(session, access, family_id, laborer.id)
    units = within_cap(earned, held_yuan, terms_of(policy).ceiling) if result.eligible else []
    placement = result.stay.first.id if result.stay else None
    return policy.id, placement, units


def raise_claims(
    session: Session,
    access: AccessContext,
    *,
    laborer_id: uuid.UUID,
    family_id: uuid.UUID,
    note: str | None = None,
    as_of: date | None = None,
) -> list[SubsidyClaim]:
    as_of = as_of or clock.today()
    policies.require_payer(access)
    laborer = supply_repository.get(session, access, laborer_id)
    if laborer is None or laborer.tenant_id != access.tenant_id:
        raise NotFound()
    policy_id, placement_id, units = claimable(session, access, laborer, family_id, as_of)
    if not units:
        raise ValidationFailed(
            _("Nothing is due to {name} under this policy that is not claimed already."),
            params={"name": laborer.name},
        )
    return _write_claims(
        session, access, laborer, family_id, policy_id, placement_id, units, note=note
    )


def _write_claims(
    session: Session,
    access: AccessContext,
    laborer: Laborer,
    family_id: uuid.UUID,
    policy_id: uuid.UUID,
    placement_id: uuid.UUID | None,
    units: list[Unit],
    *,
    note: str | None = None,
) -> list[SubsidyClaim]:
    """One claim per run of consecutive units, each holding its units."""
    created = []
    for run in _runs(units):
        claim = SubsidyClaim(
            id=uuid.uuid4(),
            tenant_id=access.tenant_id,
            laborer_tenant_id=laborer.tenant_id,
            family_id=family_id,
            policy_id=policy_id,
            laborer_id=laborer.id,
            placement_id=placement_id,
            first_unit=run[0].number,
            last_unit=run[-1].number,
            amount=sum(u.amount for u in run),
            due_on=max(u.due_on for u in run),
            status=ClaimStatus.RAISED,
            raised_by=access.user_id,
            raised_by_label=access.recorded_as,
            note=note,
        )
        units_rows = [
            ClaimUnit(
                claim_id=claim.id,
                unit=u.number,
                tenant_id=access.tenant_id,
                family_id=family_id,
                laborer_id=laborer.id,
            )
            for u in run
        ]
        try:
            with session.begin_nested():
                repository.add(session, access, claim)  # before its units: they refer to it
                repository.add(session, access, *units_rows)
        except IntegrityError:
            raise Conflict(
                _("This money for {name} was claimed a moment ago; reload the claims."),
                params={"name": laborer.name},
            ) from None
        audit.record(
            session,
            access,
            action="claim.raise",
            entity_type="subsidy_claim",
            entity_id=claim.id,
            after={
                "laborer_id": str(laborer.id),
                "family_id": str(family_id),
                "units": [claim.first_unit, claim.last_unit],
                "amount": claim.amount,
            },
        )
        created.append(claim)
    return created


@dataclass(frozen=True)
class DueItem:
    """What one laborer is owed under one policy, not yet claimed (the bulk confirmation
    shows these before anything is written)."""

    laborer: Laborer
    family_id: uuid.UUID
    policy_id: uuid.UUID
    placement_id: uuid.UUID | None
    units: list[Unit]

    @property
    def claims(self) -> int:
        return len(_runs(self.units))

    @property
    def amount(self) -> int:
        return sum(u.amount for u in self.units)


def all_due(session: Session, access: AccessContext, *, as_of: date | None = None) -> list[DueItem]:
    """Everything due as of a day that no live claim holds, judged again from the records
    (not from the last evaluation); nothing is written."""
    as_of = as_of or clock.today()
    policies.require_payer(access)
    due = repository.due_entitlements(session, access)
    laborers = {
        lab.id: lab
        for lab in supply_repository.by_ids(session, access, [e.laborer_id for e in due])
        if lab.tenant_id == access.tenant_id
    }
    items = []
    for entitlement in due:
        laborer = laborers.get(entitlement.laborer_id)
        if laborer is None:
            continue
        policy_id, placement_id, units = claimable(
            session, access, laborer, entitlement.family_id, as_of
        )
        if units:
            items.append(DueItem(laborer, entitlement.family_id, policy_id, placement_id, units))
    return items


def policy_names(
    session: Session, access: AccessContext, family_ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The current name of each policy family (its latest version)."""
    out = {}
    for family_id in family_ids:
        versions = policy_repository.versions(session, access, family_id)
        if versions:
            out[family_id] = versions[0].name
    return out


def raise_all_due(
    session: Session, access: AccessContext, *, as_of: date | None = None
) -> list[SubsidyClaim]:
    """One claim per laborer, policy and run of units, for everything `all_due` finds."""
    created: list[SubsidyClaim] = []
    for item in all_due(session, access, as_of=as_of):
        created += _write_claims(
            session,
            access,
            item.laborer,
            item.family_id,
            item.policy_id,
            item.placement_id,
            item.units,
        )
    return created


def get(session: Session, access: AccessContext, claim_id: uuid.UUID) -> SubsidyClaim:
    claim = repository.get(session, access, claim_id)
    if claim is None:
        raise NotFound()
    return claim


STEP_NAMES = {
    "verified": _("verified"),
    "approved": _("approved"),
    "rejected": _("sent back"),
}


def _wrong_step(claim: SubsidyClaim, action: str) -> Conflict:
    return Conflict(
        _("This claim is {status}; it cannot be {action} now."),
        params={"status": label(claim.status), "action": gettext(STEP_NAMES[action])},
        extra={"claim_status": claim.status.value},
    )


def verify(
    session: Session, access: AccessContext, claim_id: uuid.UUID, *, version: int
) -> SubsidyClaim:
    """The liaison office confirms the worker is there and the facts hold."""
    claim = get(session, access, claim_id)
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.CLAIM_VERIFY, claim.tenant_id):
        raise Forbidden(detail=_("Claims are verified by the county's liaison office."))
    _check_version(claim, version)
    if claim.status is not ClaimStatus.RAISED:
        raise _wrong_step(claim, "verified")
    claim.status = ClaimStatus.VERIFIED
    claim.verified_by, claim.verified_by_label, claim.verified_at = (
        access.user_id,
        access.recorded_as,
        utcnow(),
    )
    session.flush()
    audit.record(
        session,
        access,
        action="claim.verify",
        entity_type="subsidy_claim",
        entity_id=claim.id,
        after={"status": "verified"},
        tenant_id=claim.tenant_id,
    )
    return claim


def approve(
    session: Session, access: AccessContext, claim_id: uuid.UUID, *, version: int
) -> SubsidyClaim:
    claim = get(session, access, claim_id)
    policies.require_payer(access)
    _check_version(claim, version)
    if claim.status is not ClaimStatus.VERIFIED:
        raise _wrong_step(claim, "approved")
    if claim.raised_by == access.user_id:
        raise Forbidden(detail=_("A second person approves: you raised this claim."))
    claim.status = ClaimStatus.APPROVED
    claim.approved_by, claim.approved_by_label, claim.approved_at = (
        access.user_id,
        access.recorded_as,
        utcnow(),
    )
    session.flush()
    audit.record(
        session,
        access,
        action="claim.approve",
        entity_type="subsidy_claim",
        entity_id=claim.id,
        after={"status": "approved"},
    )
    return claim


def reject(
    session: Session, access: AccessContext, claim_id: uuid.UUID, *, version: int, reason: str
) -> SubsidyClaim:
    """Send a claim back: its money may be claimed again once the facts are corrected."""
    claim = get(session, access, claim_id)
    access.require(Permission.WRITE)
    payer = (
        access.can_write(DataKind.SUBSIDY, claim.tenant_id)
        and access.tenant_kind is not OrgKind.LIAISON
    )
    verifier = access.can_write(DataKind.CLAIM_VERIFY, claim.tenant_id)
    if not (payer or (verifier and claim.status is ClaimStatus.RAISED)):
        raise Forbidden(detail=_("You may not send this claim back."))
    _check_version(claim, version)
    if not reason.strip():
        raise ValidationFailed(
            errors=[FieldError("reason", _("Say why the claim is sent back."), "missing")]
        )
    if claim.status not in BEFORE_PAYMENT:
        raise _wrong_step(claim, "rejected")
    if claim.batch_id is not None:
        batch = repository.batch(session, access, claim.batch_id)
        if batch is not None:
            batch.claim_count -= 1
            batch.total -= claim.amount
        claim.batch_id = None
    before = claim.status.value
    claim.status = ClaimStatus.REJECTED
    claim.rejected_reason = reason.strip()
    claim.rejected_by_label, claim.rejected_at = access.recorded_as, utcnow()
    session.flush()
    repository.release_units(session, access, claim.id)
    audit.record(
        session,
        access,
        action="claim.reject",
        entity_type="subsidy_claim",
        entity_id=claim.id,
        before={"status": before},
        after={"status": "rejected", "reason": claim.rejected_reason},
        tenant_id=claim.tenant_id,
    )
    return claim
