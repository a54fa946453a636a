"""Demo placements and subsidies: the 巫山 policy of the seeds (and 开州's, with the
3-month threshold another 鲁渝 county published), transferred workers placed with the
demand pool's employers over the last ten months, monthly verifications by the liaison
office, Spring Festival leave, and a few claims waiting to be verified."""

import functools
import random
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import AccessContext, build_access_context
from api.db import apply_access
from api.demo import seeded
from api.placements import holiday_leave, verification
from api.placements import service as placements
from api.subsidies import claims, policies
from api.subsidies.entitlements import families
from api.subsidies.repository import policies_of
from shared_models import Employer, Laborer, User
from shared_models.enums import (
    EvidenceSource,
    PlacementChannel,
    PolicyKind,
    Role,
    SeparationReason,
)

SEED = 2021
PLACED_PER_COUNTY = 60


def _policies(region: str, threshold: int) -> list[policies.PolicyRecord]:
    common = functools.partial(
        policies.PolicyRecord, household_region=region, destination_regions=["37"]
    )
    return [
        common(
            year=2026,
            name="稳岗补贴",
            kind=PolicyKind.MONTHLY,
            amount=1000,
            months=threshold,
            cap=6000,
            poverty_statuses=["registered_poor", "lifted"],
        ),
        common(
            year=2026,
            name="生活适应期补贴",
            kind=PolicyKind.MILESTONE,
            amount=5000,
            months=6,
            poverty_statuses=["lifted"],
            channels=["organized"],
        ),
        common(
            year=2026,
            name="交通生活补贴",
            kind=PolicyKind.ON_TRANSFER,
            amount=1500,
        ),
    ]


COUNTIES = {"wushan": ("500237", 6, "烟台市人社局"), "kaizhou": ("500154", 3, "潍坊市人社局")}


def load(
    session: Session, names: dict[str, str], progress: Callable[[str], None], today: date
) -> None:
    rng = random.Random(SEED)
    for key, (region, threshold, receiving) in COUNTIES.items():
        tenant = seeded.bureau(session, names[key])
        partner = seeded.bureau(session, receiving)
        access = _as_user(session, tenant.id, f"{key}.admin", Role.ADMIN)
        progress(f"{names[key]}: 补贴政策与在岗记录 / subsidy policies and placements")
        for record in _policies(region, threshold):
            policies.create(session, access, record)
        employers = list(
            session.scalars(
                select(Employer).where(Employer.tenant_id == partner.id).order_by(Employer.name)
            )
        )
        candidates = list(
            session.scalars(
                select(Laborer)
                .where(
                    Laborer.tenant_id == tenant.id,
                    Laborer.transfer_willing.is_(True),
                    Laborer.poverty_status.in_(["registered_poor", "lifted", "none"]),
                )
                .order_by(Laborer.name, Laborer.id)
            )
        )
        placed = rng.sample(candidates, min(PLACED_PER_COUNTY, len(candidates)))
        for index, laborer in enumerate(placed):
            employer = rng.choice(employers)
            start = today - timedelta(days=rng.randint(20, 300))
            ended = None
            if index % 9 == 0:  # some left early, before the milestones
                ended = min(today - timedelta(days=1), start + timedelta(days=rng.randint(40, 120)))
            placement = placements.create(
                session,
                access,
                placements.PlacementInput(
                    laborer_id=laborer.id,
                    employer_id=employer.id,
                    channel=PlacementChannel.ORGANIZED
                    if index % 5
                    else PlacementChannel.SELF_FOUND,
                    started_on=start,
                    ended_on=ended,
                    separation_reason=SeparationReason.QUIT if ended else None,
                ),
                today=today,
            )
            month = start.replace(day=1)
            last = (ended or today).replace(day=1) - relativedelta(months=1)
            while month <= last:
                verification.verify(
                    session,
                    access,
                    placement.id,
                    month=month,
                    in_post=True,
                    source=EvidenceSource.LIAISON_VISIT,
                    today=today,
                    refresh=False,
                )
                month += relativedelta(months=1)
            if ended is None and index % 7 == 1 and start < today - timedelta(days=40):
                left = today - timedelta(days=rng.randint(10, 30))
                leave = holiday_leave.start_leave(
                    session,
                    access,
                    placement.id,
                    left_on=left,
                    expected_return_on=left + timedelta(days=rng.choice((7, 14, 40))),
                    trip=f"{names[key][:2]}—{receiving[:2]}返岗包车",
                    today=today,
                )
                if index % 2:
                    holiday_leave.record_return(
                        session,
                        access,
                        leave.id,
                        returned_on=min(today, leave.expected_return_on),
                        version=leave.version,
                        today=today,
                    )
        _raise_some(session, tenant.id, key, placed[:12], today)


def _as_user(session: Session, tenant_id: uuid.UUID, username: str, role: Role) -> AccessContext:
    """The demo acts as the county's own accounts, so the records read as theirs."""
    user = session.scalars(select(User).where(User.username == username)).one()
    access = build_access_context(
        session,
        tenant_id=tenant_id,
        role=role,
        can_reveal_pii=False,
        user_id=user.id,
        actor_label=user.display_name,
    )
    apply_access(session, access)
    return access


def _raise_some(
    session: Session, tenant_id: uuid.UUID, key: str, laborers: list[Laborer], today: date
) -> None:
    """A few claims raised by the county's staff, waiting for the liaison office."""
    staff = session.scalars(select(User).where(User.username == f"{key}.staff")).one()
    access = build_access_context(
        session,
        tenant_id=tenant_id,
        role=Role.STAFF,
        can_reveal_pii=False,
        user_id=staff.id,
        actor_label=staff.display_name,
    )
    apply_access(session, access)
    grouped = families(policies_of(session, access, tenant_id))
    for laborer in laborers:
        for family_id in grouped:
            _policy, _placement, units = claims.claimable(
                session, access, laborer, family_id, today
            )
            if units:
                claims.raise_claims(
                    session, access, laborer_id=laborer.id, family_id=family_id, as_of=today
                )
