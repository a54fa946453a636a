"""JSON API of subsidies: policies, a laborer's entitlements, claims, payment batches."""

import io
import uuid
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import JSONResponse

from api import clock
from api.deps import Access, Cipher, DbSession
from api.errors import BadRequest
from api.i18n import _, gettext
from api.idempotency import idempotent
from api.paging import Pager100
from api.routing import JsonRoute, file_download
from api.subsidies import claims, payments, policies, reads, service, standing
from api.subsidies.schemas import (
    BatchCreate,
    BatchOut,
    BatchPay,
    ClaimCreate,
    ClaimOut,
    ClaimPage,
    ClaimReject,
    ClaimStep,
    EntitlementOut,
    EntitlementsOut,
    PayeeAccountIn,
    PayeeAccountOut,
    PolicyCreate,
    PolicyOut,
    PolicyUpdate,
    ProjectionOut,
    UnitOut,
)
from api.subsidies.standing import Standing
from api.supply import reads as laborer_reads
from shared_models import SubsidyClaim
from shared_models.enums import ClaimStatus

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["subsidies"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


# --- policies ----------------------------------------------------------------------------------


@router.get("/subsidy-policies", response_model=list[PolicyOut])
def list_policies(
    access: Access, session: DbSession, all_versions: bool = False
) -> list[PolicyOut]:
    rows = reads.policies(session, access, current_only=not all_versions)
    return [PolicyOut.model_validate(p) for p in rows]


@router.post("/subsidy-policies", response_model=PolicyOut, status_code=status.HTTP_201_CREATED)
def create_policy(body: PolicyCreate, access: Access, session: DbSession) -> PolicyOut:
    return PolicyOut.model_validate(
        policies.create(session, access, policies.PolicyRecord(**body.model_dump()))
    )


@router.get("/subsidy-policies/{policy_id}", response_model=PolicyOut)
def get_policy(policy_id: uuid.UUID, access: Access, session: DbSession) -> PolicyOut:
    return PolicyOut.model_validate(policies.get(session, access, policy_id))


@router.patch("/subsidy-policies/{policy_id}", response_model=PolicyOut)
def update_policy(
    policy_id: uuid.UUID, body: PolicyUpdate, access: Access, session: DbSession
) -> PolicyOut:
    """In place while nothing is claimed; afterwards a new version (a new id)."""
    changes = body.model_dump(exclude_unset=True, exclude={"version", "effective_from"})
    for name in ("year", "name", "kind", "amount", "months", "max_gap_days", "max_leave_days"):
        if name in changes and changes[name] is None:
            raise BadRequest(_("{field} cannot be emptied."), params={"field": name})
    for name in ("poverty_statuses", "destination_regions", "channels"):
        if name in changes and changes[name] is None:
            changes[name] = []
    policy = policies.update(
        session,
        access,
        policy_id,
        changes,
        version=body.version,
        effective_from=body.effective_from,
    )
    return PolicyOut.model_validate(policy)


# --- entitlements ------------------------------------------------------------------------------


@router.get("/laborers/{laborer_id}/entitlements", response_model=EntitlementsOut)
def laborer_entitlements(
    laborer_id: uuid.UUID,
    access: Access,
    session: DbSession,
    as_of: date | None = None,
) -> EntitlementsOut:
    """Per policy: months counted, money earned, claimed and paid, the next milestone and
    the day it falls if the laborer stays, and why not eligible where not."""
    day = as_of or clock.today()
    views = service.for_laborer(session, access, laborer_id, as_of=day)
    items = []
    for view in views:
        result = view.result
        nxt = result.next_due() if result.eligible else None
        items.append(
            EntitlementOut(
                family_id=view.policy.family_id,
                policy_id=view.policy.id,
                policy_version=view.policy.version,
                name=view.policy.name,
                kind=view.policy.kind,
                eligible=result.eligible,
                reasons=result.reasons,
                reason_texts=[gettext(service.REASONS[r]) for r in result.reasons],
                stay_started_on=result.stay.started_on if result.stay else None,
                ongoing=bool(result.stay and result.stay.ongoing),
                months=result.months,
                earned=result.earned if result.eligible else 0,
                claimed=view.claimed,
                paid=view.paid,
                unclaimed=view.unclaimed,
                overpaid=view.overpaid,
                next_due_on=nxt[0] if nxt else None,
                next_due_amount=nxt[1] if nxt else None,
                units=[
                    UnitOut(
                        number=u.number,
                        amount=u.amount,
                        due_on=u.due_on,
                        earned=u.earned,
                        claimed=u.number in view.held,
                    )
                    for u in (result.units if result.eligible else [])
                ],
            )
        )
    return EntitlementsOut(laborer_id=laborer_id, as_of=day, items=items)


@router.put("/laborers/{laborer_id}/payee-account", response_model=PayeeAccountOut)
def set_payee_account(
    laborer_id: uuid.UUID, body: PayeeAccountIn, access: Access, session: DbSession, cipher: Cipher
) -> PayeeAccountOut:
    """The bank account (社保卡 / 一卡通) subsidies are paid into; stored encrypted."""
    account = service.set_payee_account(
        session,
        access,
        cipher,
        laborer_id,
        bank_name=body.bank_name,
        account_number=body.account_number,
    )
    return PayeeAccountOut.model_validate(account)


@router.get("/subsidies/projection", response_model=ProjectionOut)
def projection(
    access: Access, session: DbSession, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> ProjectionOut:
    """Money falling due in the next `days` days if everyone stays (for the budget)."""
    result = service.projection(session, access, days=days)
    return ProjectionOut(**result.__dict__)


# --- claims ------------------------------------------------------------------------------------


def claim_out(
    claim: SubsidyClaim, names: dict[uuid.UUID, str], standing: Standing | None = None
) -> ClaimOut:
    return ClaimOut.model_validate(
        {
            **{
                c: getattr(claim, c)
                for c in ClaimOut.model_fields
                if c not in ("policy_name", "laborer_name", "overpaid", "unearned")
            },
            "policy_name": claim.policy.name,
            "laborer_name": names.get(claim.laborer_id, ""),
            "overpaid": standing.overpaid if standing else 0,
            "unearned": standing.unearned if standing and claim.status in UNPAID else 0,
        }
    )


UNPAID = frozenset(claims.BEFORE_PAYMENT)


def _names(session: DbSession, access: Access, rows: list[SubsidyClaim]) -> dict[uuid.UUID, str]:
    return laborer_reads.names(session, access, [c.laborer_id for c in rows])


def _outs(session: DbSession, access: Access, rows: list[SubsidyClaim]) -> list[ClaimOut]:
    """Claims with their laborers' names and standing (overpaid, unearned) as of today."""
    names = _names(session, access, rows)
    pairs = {(c.family_id, c.laborer_id) for c in rows}
    found = standing.of_pairs(session, access, pairs, clock.today())
    return [claim_out(c, names, found.get((c.family_id, c.laborer_id))) for c in rows]


@router.get("/subsidy-claims", response_model=ClaimPage)
def list_claims(
    access: Access,
    session: DbSession,
    paging: Pager100,
    status_: Annotated[ClaimStatus | None, Query(alias="status")] = None,
    laborer_id: uuid.UUID | None = None,
    batch_id: uuid.UUID | None = None,
) -> ClaimPage:
    """The claims queue, per step (`status`), with the count at each step."""
    rows, total, counts = reads.claims(
        session,
        access,
        status=status_,
        laborer_id=laborer_id,
        batch_id=batch_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    return ClaimPage(
        items=_outs(session, access, list(rows)),
        total=total,
        counts=counts,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.post("/subsidy-claims", response_model=list[ClaimOut], status_code=status.HTTP_201_CREATED)
def raise_claims(
    body: ClaimCreate, access: Access, session: DbSession, idempotency_key: IdempotencyKey = None
) -> list[ClaimOut] | JSONResponse:
    """Raise the claim for what is due to one laborer under one policy, or (`all_due`)
    for everything due as of a day. Money a live claim holds is never claimed twice;
    with an `Idempotency-Key`, a repeat gets the first answer."""

    def handler() -> list[ClaimOut]:
        if body.all_due:
            created = claims.raise_all_due(session, access, as_of=body.as_of)
        elif body.laborer_id and body.family_id:
            created = claims.raise_claims(
                session,
                access,
                laborer_id=body.laborer_id,
                family_id=body.family_id,
                note=body.note,
                as_of=body.as_of,
            )
        else:
            raise BadRequest(_("Name a laborer and a policy, or ask for everything due."))
        fresh = [claims.get(session, access, c.id) for c in created]
        return _outs(session, access, fresh)

    return idempotent(
        session,
        access,
        idempotency_key,
        "claims.raise",
        body.model_dump(mode="json"),
        handler,
        status_code=status.HTTP_201_CREATED,
    )


@router.get("/subsidy-claims/{claim_id}", response_model=ClaimOut)
def get_claim(claim_id: uuid.UUID, access: Access, session: DbSession) -> ClaimOut:
    return _outs(session, access, [claims.get(session, access, claim_id)])[0]


def _step(session: DbSession, access: Access, claim: SubsidyClaim) -> ClaimOut:
    return _outs(session, access, [claims.get(session, access, claim.id)])[0]


@router.post("/subsidy-claims/{claim_id}/verify", response_model=ClaimOut)
def verify_claim(
    claim_id: uuid.UUID, body: ClaimStep, access: Access, session: DbSession
) -> ClaimOut:
    """The county's liaison office confirms the claim."""
    return _step(session, access, claims.verify(session, access, claim_id, version=body.version))


@router.post("/subsidy-claims/{claim_id}/approve", response_model=ClaimOut)
def approve_claim(
    claim_id: uuid.UUID, body: ClaimStep, access: Access, session: DbSession
) -> ClaimOut:
    """A second person of the paying bureau approves (never the one who raised it)."""
    return _step(session, access, claims.approve(session, access, claim_id, version=body.version))


@router.post("/subsidy-claims/{claim_id}/reject", response_model=ClaimOut)
def reject_claim(
    claim_id: uuid.UUID, body: ClaimReject, access: Access, session: DbSession
) -> ClaimOut:
    """Send back with a reason; the money can be claimed again after correction."""
    return _step(
        session,
        access,
        claims.reject(session, access, claim_id, version=body.version, reason=body.reason),
    )


# --- payment batches ---------------------------------------------------------------------------


@router.get("/payment-batches", response_model=list[BatchOut])
def list_batches(access: Access, session: DbSession) -> list[BatchOut]:
    return [BatchOut.model_validate(b) for b in reads.batches(session, access)]


@router.post("/payment-batches", response_model=BatchOut, status_code=status.HTTP_201_CREATED)
def create_batch(body: BatchCreate, access: Access, session: DbSession) -> BatchOut:
    """Gather approved claims (all, or those named) for finance."""
    batch = payments.create_batch(session, access, number=body.number, claim_ids=body.claim_ids)
    return BatchOut.model_validate(batch)


@router.get("/payment-batches/{batch_id}", response_model=BatchOut)
def get_batch(batch_id: uuid.UUID, access: Access, session: DbSession) -> BatchOut:
    return BatchOut.model_validate(payments.get_batch(session, access, batch_id))


@router.get("/payment-batches/{batch_id}/export", **file_download(XLSX))
def export_batch(
    batch_id: uuid.UUID, access: Access, session: DbSession, cipher: Cipher, reveal: bool = False
) -> Response:
    """The batch for finance (.xlsx). Full ID and account numbers with `reveal=true`
    (pii.reveal; audited). The first export marks the batch exported."""
    buffer = io.BytesIO()
    batch = payments.export_batch(session, access, cipher, batch_id, buffer, reveal=reveal)
    name = f"补贴发放{batch.number}.xlsx"
    disposition = f"attachment; filename=batch.xlsx; filename*=UTF-8''{quote(name)}"
    return Response(
        buffer.getvalue(), media_type=XLSX, headers={"Content-Disposition": disposition}
    )


@router.post("/payment-batches/{batch_id}/pay", response_model=BatchOut)
def pay_batch(
    batch_id: uuid.UUID,
    body: BatchPay,
    access: Access,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> BatchOut | JSONResponse:
    """Mark an exported batch paid with the bank's reference: once. A second attempt is a
    409 (or, with the same `Idempotency-Key` and body, the first answer)."""

    def handler() -> BatchOut:
        payments.pay_batch(
            session, access, batch_id, bank_reference=body.bank_reference, paid_on=body.paid_on
        )
        return BatchOut.model_validate(payments.get_batch(session, access, batch_id))

    return idempotent(
        session,
        access,
        idempotency_key,
        f"batch.pay:{batch_id}",
        body.model_dump(mode="json"),
        handler,
    )
