"""A laborer's entitlements as of today, the bureau's budget projection, and the
account subsidies are paid into."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import FieldError, Forbidden, NotFound, ValidationFailed
from api.i18n import _
from api.security.pii import PiiCipher
from api.subsidies import claims_repository, repository
from api.subsidies.entitlements import families, judge, load_records, terms_of
from api.subsidies.rules import Person, Result, overpaid, within_cap
from api.supply import repository as supply_repository
from shared_models import Laborer, PayeeAccount, SubsidyPolicy
from shared_models.enums import Permission

REASONS = {
    "poverty_status": _("Their poverty status is not one this policy covers."),
    "household_county": _("They are not registered in the county this policy covers."),
    "destination": _("The job is outside the area this policy covers."),
    "channel": _("The job was not found through a channel this policy covers."),
    "transfer_window": _("The transfer date is outside the policy's window."),
    "no_placement": _("No placement is recorded."),
    "left_before_milestone": _("They left the job before reaching the next milestone."),
}


@dataclass
class EntitlementView:
    policy: SubsidyPolicy
    result: Result
    claimed: int
    paid: int
    held: set[int]

    @property
    def unclaimed(self) -> int:
        """What a claim would get now: earned, not held, and within the cap per person."""
        if not self.result.eligible:
            return 0
        earned = [u for u in self.result.units if u.earned and u.number not in self.held]
        return sum(u.amount for u in within_cap(earned, self.claimed, self.ceiling))

    @property
    def ceiling(self) -> int:
        return terms_of(self.policy).ceiling

    @property
    def overpaid(self) -> int:
        return overpaid(self.result, self.paid)


def laborer(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> Laborer:
    found = supply_repository.get(session, access, laborer_id)
    if found is None:
        raise NotFound()
    return found


def for_laborer(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, *, as_of: date | None = None
) -> list[EntitlementView]:
    """Judged live from the records (one laborer: a few queries, well under 50 ms)."""
    as_of = as_of or clock.today()
    person_row = laborer(session, access, laborer_id)
    if not access.can_read(DataKind.SUBSIDY, person_row.tenant_id):
        raise Forbidden(detail=_("Subsidies are followed by the county that pays them."))
    grouped = families(repository.policies_of(session, access, person_row.tenant_id))
    records = load_records(session, access, [person_row.id])[person_row.id]
    person = Person(person_row.poverty_status.value, person_row.region_code)
    sums = claims_repository.sums_for_laborer(session, access, person_row.id)
    out = []
    for family_id, versions in grouped.items():
        policy, result = judge(versions, person, records, as_of)
        claimed, paid = sums.get(family_id, (0, 0))
        held = claims_repository.held_units(session, access, family_id, person_row.id)
        out.append(EntitlementView(policy, result, claimed, paid, held))
    return sorted(out, key=lambda v: (v.policy.year, v.policy.name))


@dataclass
class Projection:
    as_of: date
    days: int
    amount: int
    laborers: int
    by_policy: dict[str, int]


def projection(
    session: Session, access: AccessContext, *, days: int, as_of: date | None = None
) -> Projection:
    """Money falling due in the next `days` days if everyone in post stays: for the
    budget. Read from the last evaluation."""
    as_of = as_of or clock.today()
    until = as_of + timedelta(days=days)
    names = {p.family_id: p.name for p in repository.policies(session, access)}
    by_policy: dict[str, int] = defaultdict(int)
    total = 0
    count = 0
    for row in repository.falling_due(session, access, until):
        family_id = row.family_id
        amount = sum(
            int(value) for day, value in row.schedule if as_of < date.fromisoformat(day) <= until
        )
        if amount:
            count += 1
            total += amount
            by_policy[names.get(family_id, str(family_id))] += amount
    return Projection(as_of, days, total, count, dict(by_policy))


def set_payee_account(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    laborer_id: uuid.UUID,
    *,
    bank_name: str,
    account_number: str,
) -> PayeeAccount:
    person = laborer(session, access, laborer_id)
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.LABORER, person.tenant_id):
        raise Forbidden(detail=_("The laborer's county records the account subsidies go to."))
    digits = "".join(account_number.split())
    if not digits.isdigit() or not 8 <= len(digits) <= 32:
        raise ValidationFailed(
            errors=[
                FieldError("account_number", _("An account number has 8 to 32 digits."), "account")
            ]
        )
    masked = f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"
    account = repository.payee_account(session, access, person)
    before = (
        {"bank_name": account.bank_name, "account": account.account_masked} if account else None
    )
    if account is None:
        account = PayeeAccount(laborer_id=person.id, tenant_id=person.tenant_id)
        session.add(account)
    account.bank_name = bank_name.strip()
    account.account_cipher = cipher.encrypt(digits, "bank_account")
    account.account_masked = masked
    account.updated_by_label = access.recorded_as
    session.flush()
    audit.record(
        session,
        access,
        action="laborer.payee_account",
        entity_type="laborer",
        entity_id=person.id,
        before=before,
        after={"bank_name": account.bank_name, "account": masked},
        tenant_id=person.tenant_id,
    )
    return account
