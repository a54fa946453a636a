"""Payment batches of subsidy claims: approved claims gathered into a batch, exported as
a sheet for finance, and marked paid once with the bank's reference. The claims
themselves (raise, verify, approve, reject) are in `claims`."""

import uuid
from datetime import date
from typing import IO

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.i18n import _
from api.security.pii import PiiCipher
from api.spreadsheets.writer import ColumnSpec, LedgerWriter
from api.subsidies import claims_repository as repository
from api.subsidies import policies
from api.subsidies import repository as policy_repository
from api.supply import repository as supply_repository
from shared_models import PayeeAccount, PaymentBatch
from shared_models.base import utcnow
from shared_models.enums import BatchStatus, ClaimStatus, Permission


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
            repository.add(session, access, batch)
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
    claims = repository.claims_in_batch(session, access, batch)
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
    if paid_on > clock.today():
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
        access,
        batch.id,
        bank_reference=bank_reference.strip(),
        paid_on=paid_on,
        paid_by_label=access.recorded_as,
        updated_at=utcnow(),
    ):
        raise Conflict(_("Batch {number} is already marked paid."), params={"number": batch.number})
    session.expire(batch)
    for claim in repository.claims_in_batch(session, access, batch):
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
