"""Claims and payments: money owed is claimed once and paid once.

raised (paying bureau) → verified (the county's liaison office) → approved (a second
person of the paying bureau, never the one who raised it) → batched → paid, or rejected
with a reason at any step before paid (its money can then be claimed again). Each unit
of money sits in `claim_units` under a partial unique index while its claim lives: a
second claim or payment of it cannot be written, whatever the code above does."""

import uuid
from datetime import date
from typing import IO

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import Conflict, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.i18n import _, gettext
from api.labels import label
from api.security.pii import PiiCipher
from api.spreadsheets.writer import ColumnSpec, LedgerWriter
from api.subsidies import claims_repository as repository
from api.subsidies import entitlements, policies
from api.subsidies import repository as policy_repository
from api.subsidies.entitlements import Records, judge
from api.subsidies.rules import Person, Unit
from api.supply import repository as supply_repository
from shared_models import ClaimUnit, Laborer, PayeeAccount, PaymentBatch, SubsidyClaim
from shared_models.base import utcnow
from shared_models.enums import BatchStatus, ClaimStatus, OrgKind, Permission

BEFORE_PAYMENT = (
    ClaimStatus.RAISED,
    ClaimStatus.VERIFIED,
    ClaimStatus.APPROVED,
    ClaimStatus.BATCHED,
)


def _label(access: AccessContext) -> str:
    return f"{access.actor_label} · {access.tenant_name}"[:120]


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
    versions = policy_repository.versions(session, family_id)
    if not versions or versions[0].tenant_id != access.tenant_id:
        raise NotFound()
    records: Records = entitlements.load_records(session, [laborer.id])[laborer.id]
    person = Person(laborer.poverty_status.value, laborer.region_code)
    policy, result = judge(versions, person, records, as_of)
    held = repository.held_units(session, family_id, laborer.id)
    units = (
        [u for u in result.units if u.earned and u.number not in held] if result.eligible else []
    )
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
    as_of = as_of or date.today()
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
            raised_by_label=_label(access),
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
                repository.add(session, claim)  # before its units: they refer to it
                repository.add(session, *units_rows)
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


def raise_all_due(
    session: Session, access: AccessContext, *, as_of: date | None = None
) -> list[SubsidyClaim]:
    """Everything due as of a day that no live claim holds: one claim per laborer, policy
    and run of units. Judged again from the records, not from the last evaluation."""
    as_of = as_of or date.today()
    policies.require_payer(access)
    created: list[SubsidyClaim] = []
    due = repository.due_entitlements(session, access)
    laborers = {
        lab.id: lab
        for lab in supply_repository.by_ids(session, access, [e.laborer_id for e in due])
        if lab.tenant_id == access.tenant_id
    }
    for entitlement in due:
        laborer = laborers.get(entitlement.laborer_id)
        if laborer is None:
            continue
        policy_id, placement_id, units = claimable(
            session, access, laborer, entitlement.family_id, as_of
        )
        if units:
            created += _write_claims(
                session, access, laborer, entitlement.family_id, policy_id, placement_id, units
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
        extra={"status": claim.status.value},
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
        _label(access),
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
        _label(access),
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
    claim.rejected_by_label, claim.rejected_at = _label(access), utcnow()
    session.flush()
    repository.release_units(session, claim.id)
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


# --- payment batches ---------------------------------------------------------------------------


def create_batch(
    session: Session,
    access: AccessContext,
    *,
    number: str,
    claim_ids: list[uuid.UUID] | None = None,
) -> PaymentBatch:
    """Gather approved claims (all of them, or those named) into a batch for finance."""
    policies.require_payer(access)
    number = number.strip()
    if not number:
        raise ValidationFailed(
            errors=[FieldError("number", _("This field is required."), "missing")]
        )
    claims = repository.approved_claims(session, access, claim_ids)
    if claim_ids is not None and len(claims) != len(set(claim_ids)):
        raise ValidationFailed(_("Only approved claims of your bureau go into a batch."))
    if not claims:
        raise ValidationFailed(_("There are no approved claims to pay."))
    batch = PaymentBatch(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        number=number,
        status=BatchStatus.OPEN,
        claim_count=len(claims),
        total=sum(c.amount for c in claims),
        created_by=access.user_id,
    )
    try:
        with session.begin_nested():
            repository.add(session, batch)
    except IntegrityError:
        raise Conflict(_("Batch number {number} is taken."), params={"number": number}) from None
    for claim in claims:
        claim.status, claim.batch_id = ClaimStatus.BATCHED, batch.id
    session.flush()
    audit.record(
        session,
        access,
        action="batch.create",
        entity_type="payment_batch",
        entity_id=batch.id,
        after={"number": number, "claims": len(claims), "total": batch.total},
    )
    return batch


def get_batch(session: Session, access: AccessContext, batch_id: uuid.UUID) -> PaymentBatch:
    batch = repository.batch(session, access, batch_id)
    if batch is None:
        raise NotFound()
    return batch


COLUMNS = [
    ColumnSpec("序号", 6),
    ColumnSpec("姓名", 10),
    ColumnSpec("身份证号码", 22, text=True),
    ColumnSpec("开户银行", 18),
    ColumnSpec("银行账号", 24, text=True),
    ColumnSpec("补贴项目", 16),
    ColumnSpec("金额（元）", 10),
    ColumnSpec("应发日期", 12),
    ColumnSpec("申报编号", 38, text=True),
]


def export_batch(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    batch_id: uuid.UUID,
    target: IO[bytes],
    *,
    reveal: bool = False,
) -> PaymentBatch:
    """The batch as a sheet for finance. Full ID and account numbers only for pii.reveal
    holders, and every such export is in the audit log."""
    batch = get_batch(session, access, batch_id)
    policies.require_payer(access)
    if reveal:
        access.require(Permission.REVEAL_PII)
    claims = repository.claims_in_batch(session, batch.id)
    laborers = {
        lab.id: lab
        for lab in supply_repository.by_ids(session, access, [c.laborer_id for c in claims])
    }
    accounts = {
        a.laborer_id: a for a in policy_repository.payee_accounts(session, access, list(laborers))
    }
    writer = LedgerWriter(target, f"补贴发放{batch.number}"[:31], COLUMNS)
    rows = []
    for index, claim in enumerate(c for c in claims if c.status is not ClaimStatus.REJECTED):
        laborer = laborers[claim.laborer_id]
        account: PayeeAccount | None = accounts.get(claim.laborer_id)
        id_number = (
            cipher.decrypt(laborer.id_number_cipher, "id_number")
            if reveal
            else laborer.id_number_masked
        )
        number = (
            (
                cipher.decrypt(account.account_cipher, "bank_account")
                if reveal
                else account.account_masked
            )
            if account
            else ""
        )
        rows.append(
            [
                index + 1,
                laborer.name,
                id_number,
                account.bank_name if account else "",
                number,
                claim.policy.name,
                claim.amount,
                claim.due_on,
                str(claim.id),
            ]
        )
    writer.write_rows(rows)
    writer.close()
    if batch.status is BatchStatus.OPEN:
        batch.status, batch.exported_at = BatchStatus.EXPORTED, utcnow()
        session.flush()
    audit.record(
        session,
        access,
        action="batch.export",
        entity_type="payment_batch",
        entity_id=batch.id,
        after={"reveal": reveal, "rows": len(rows)},
    )
    return batch


def pay_batch(
    session: Session,
    access: AccessContext,
    batch_id: uuid.UUID,
    *,
    bank_reference: str,
    paid_on: date,
) -> PaymentBatch:
    """Mark an exported batch paid, once: its claims become paid with the reference."""
    batch = get_batch(session, access, batch_id)
    policies.require_payer(access)
    if not bank_reference.strip():
        raise ValidationFailed(
            errors=[FieldError("bank_reference", _("This field is required."), "missing")]
        )
    if paid_on > date.today():
        raise ValidationFailed(
            errors=[
                FieldError(
                    "paid_on", _("Give a date from {start} to today."), "date_range", {"start": "—"}
                )
            ]
        )
    if batch.status is BatchStatus.OPEN:
        raise Conflict(_("Export the batch for finance before marking it paid."))
    if not repository.mark_paid(
        session,
        batch.id,
        bank_reference=bank_reference.strip(),
        paid_on=paid_on,
        paid_by_label=_label(access),
        updated_at=utcnow(),
    ):
        raise Conflict(_("Batch {number} is already marked paid."), params={"number": batch.number})
    session.expire(batch)
    for claim in repository.claims_in_batch(session, batch.id):
        if claim.status is ClaimStatus.BATCHED:
            claim.status, claim.paid_on, claim.bank_reference = (
                ClaimStatus.PAID,
                paid_on,
                bank_reference.strip(),
            )
    session.flush()
    audit.record(
        session,
        access,
        action="batch.pay",
        entity_type="payment_batch",
        entity_id=batch.id,
        after={"bank_reference": bank_reference.strip(), "paid_on": paid_on.isoformat()},
    )
    return batch
