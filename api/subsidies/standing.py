"""Where laborers stand under the policies their claims are for, judged from today's
records: earned, held by live claims, paid, and what a correction left over.

The claims queue shows it beside each claim, so money paid beyond what the records now
say was earned (a placement's dates corrected, a verification withdrawn) is flagged
rather than netted into a silent negative, and an unpaid claim for money no longer
earned is seen before anyone approves it."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.subsidies import claims_repository
from api.subsidies import repository as policy_repository
from api.subsidies.entitlements import families, judge, load_records
from api.subsidies.rules import Person, overpaid
from api.supply import repository as supply_repository

Pair = tuple[uuid.UUID, uuid.UUID]  # (policy family, laborer)


@dataclass(frozen=True, slots=True)
class Standing:
    earned: int
    claimed: int  # live claims, paid ones included
    paid: int
    overpaid: int

    @property
    def unearned(self) -> int:
        """Yuan in unpaid live claims beyond what is earned now."""
        return max(0, self.claimed - max(self.earned, self.paid))


def of_pairs(
    session: Session, access: AccessContext, pairs: Iterable[Pair], as_of: date
) -> dict[Pair, Standing]:
    """Only pairs the caller may see the laborer and the paying bureau's policies of;
    the others are left out (no flag is better than a guess)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    laborers = {
        lab.id: lab
        for lab in supply_repository.by_ids(session, access, [lab for _, lab in wanted])
        if access.can_read(DataKind.SUBSIDY, lab.tenant_id)
    }
    grouped = {
        tenant_id: families(policy_repository.policies_of(session, access, tenant_id))
        for tenant_id in {lab.tenant_id for lab in laborers.values()}
    }
    records = load_records(session, access, list(laborers))
    sums = claims_repository.sums_for_laborers(session, access, list(laborers))
    out: dict[Pair, Standing] = {}
    for family_id, laborer_id in wanted:
        laborer = laborers.get(laborer_id)
        versions = grouped.get(laborer.tenant_id, {}).get(family_id) if laborer else None
        if laborer is None or not versions:
            continue
        person = Person(laborer.poverty_status.value, laborer.region_code)
        _, result = judge(versions, person, records[laborer_id], as_of)
        claimed, paid = sums.get((family_id, laborer_id), (0, 0))
        earned = result.earned if result.eligible else 0
        out[(family_id, laborer_id)] = Standing(earned, claimed, paid, overpaid(result, paid))
    return out
