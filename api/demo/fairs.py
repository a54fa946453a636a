"""The demo's 2021 巫山 fair, as the seeds report it: 40 employers, 4,827 positions,
600+ attendees, 150+ intentions reached; co-organized with 烟台. A past fair, so its
rows are written as they stood after the day (the live rules apply to new fairs)."""

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.demand import service as demand
from api.demand.records import EmployerRecord
from api.demo import seeded
from api.demo.demand import credit_code
from api.demo.laborers import GIVEN, SURNAMES, _id_number
from api.demo.subsidies import _as_user
from api.fairs import repository
from api.fairs.door import new_code
from api.security.masking import mask_id_number
from api.security.pii import PiiCipher
from api.supply.convert import id_hash
from shared_models import (
    Employer,
    Fair,
    FairEmployer,
    FairIntention,
    FairRegistration,
    FairVacancy,
    Laborer,
    Pairing,
    Vacancy,
)
from shared_models.enums import FairMode, FairStatus, IntentionOutcome, Role

HELD_ON = date(2021, 3, 18)
EMPLOYERS, POSITIONS, ATTENDEES, INTENTIONS = 40, 4_827, 612, 156
EXTRA_FIRMS = [  # 烟台 firms that came to the fair beyond the demo pool's
    ("烟台市福山区", "370611", "食品加工"), ("烟台市莱山区", "370613", "电子信息"),
    ("烟台市芝罘区", "370602", "商贸物流"), ("烟台市牟平区", "370612", "纺织服装"),
    ("龙口市", "370681", "机械制造"), ("莱阳市", "370682", "食品加工"),
    ("莱州市", "370683", "石材加工"), ("招远市", "370685", "电子信息"),
    ("栖霞市", "370686", "农产品加工"), ("海阳市", "370687", "纺织服装"),
    ("蓬莱区", "370614", "酿酒"), ("烟台市福山区", "370611", "汽车零部件"),
    ("烟台市莱山区", "370613", "家政服务"), ("烟台市芝罘区", "370602", "餐饮服务"),
    ("龙口市", "370681", "铝材加工"), ("莱阳市", "370682", "农产品加工"),
    ("招远市", "370685", "黄金冶炼"),
]  # fmt: skip


def load(session: Session, cipher: PiiCipher, progress: Callable[[str], None]) -> None:
    rng = random.Random(2021)
    wushan = seeded.bureau(session, "巫山县人社局")
    yantai = seeded.bureau(session, "烟台市人社局")
    pairing = session.scalars(
        select(Pairing).where(
            Pairing.sending_org_id == wushan.id, Pairing.receiving_org_id == yantai.id
        )
    ).one()
    progress("2021年巫山专场招聘会 / the 2021 巫山 fair")
    extra = _extra_employers(session, yantai.id, rng)
    # The bureau's rows (its employers at the fair, its intentions) are checked against
    # the bureau's context; the county's, applied last, is the session's as before.
    bureau = _as_user(session, yantai.id, "yantai.admin", Role.ADMIN)
    access = _as_user(session, wushan.id, "wushan.admin", Role.ADMIN)
    fair = Fair(
        id=uuid.uuid4(),
        tenant_id=wushan.id,
        co_organizer_id=yantai.id,
        pairing_id=pairing.id,
        title="2021年巫山县东西部劳务协作（烟台）专场招聘会",
        mode=FairMode.BOTH,
        venue="巫山县人力资源市场",
        region_code="500237",
        online_url="https://example.invalid/wushan-2021-live",
        held_on=HELD_ON,
        starts_at=time(9, 0),
        ends_at=time(12, 30),
        registration_deadline=date(2021, 3, 15),
        status=FairStatus.FINISHED,
        note="线上线下同步，烟台40家企业参会",
    )
    repository.add(session, access, fair)
    employers = list(
        session.scalars(
            select(Employer)
            .where(Employer.tenant_id.in_([yantai.id, wushan.id]))
            .order_by(Employer.tenant_id != yantai.id, Employer.name)
        )
    )
    employers = (employers + extra)[:EMPLOYERS]
    vacancies = {
        e.id: list(session.scalars(select(Vacancy).where(Vacancy.employer_id == e.id)))
        for e in employers
    }
    slots = [(e, v) for e in employers for v in vacancies[e.id]]
    shares = _split(POSITIONS, len(slots), rng)
    fair_vacancies: list[uuid.UUID] = []
    for number, employer in enumerate(employers, start=1):
        row = FairEmployer(
            id=uuid.uuid4(),
            fair_id=fair.id,
            fair_tenant_id=wushan.id,
            tenant_id=yantai.id if employer.tenant_id == yantai.id else wushan.id,
            employer_id=employer.id,
            booth=f"{'AB'[number % 2]}{number:02d}",
        )
        for vacancy in vacancies[employer.id]:
            row.vacancies.append(
                FairVacancy(
                    vacancy_id=vacancy.id,
                    fair_id=fair.id,
                    fair_tenant_id=wushan.id,
                    tenant_id=row.tenant_id,
                    positions=shares.pop(),
                )
            )
            fair_vacancies.append(vacancy.id)
        repository.add(session, bureau if row.tenant_id == yantai.id else access, row)
    registrations = _registrations(session, access, cipher, fair, wushan.id, rng)
    checked = [r for r in registrations if r.checked_in_at is not None]
    for registration in rng.sample(checked, INTENTIONS):
        repository.add(
            session,
            bureau,
            FairIntention(
                id=uuid.uuid4(),
                fair_id=fair.id,
                fair_tenant_id=wushan.id,
                tenant_id=yantai.id,
                registration_id=registration.id,
                vacancy_id=rng.choice(fair_vacancies),
                outcome=IntentionOutcome.AGREED,
                recorded_by_label="烟台市人社局 · 招聘会现场",
            ),
        )
    del access, bureau


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` positions over `parts` vacancies, each at least one, summing exactly."""
    weights = [rng.randint(1, 10) for _ in range(parts)]
    shares = [max(1, total * w // sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _extra_employers(session: Session, yantai_id: uuid.UUID, rng: random.Random) -> list[Employer]:
    access = _as_user(session, yantai_id, "yantai.admin", Role.ADMIN)
    out = []
    for place, region, industry in EXTRA_FIRMS:
        short = place.replace("市", "").replace("区", "")
        name = f"{short}{rng.choice('恒宏盛鑫泰华丰')}{rng.choice('达源润信诚')}{industry}有限公司"
        employer = demand.create_employer(
            session,
            access,
            EmployerRecord(
                name=name,
                credit_code=credit_code("91", region, rng, numeric=False),
                industry=industry,
                region_code=region,
                contact_name="人事部",
            ),
        )
        demand.create_vacancy(
            session,
            access,
            employer.id,
            {
                "title": f"{industry}普工",
                "occupation_name": "普工",
                "headcount": rng.randint(20, 80),
                "wage_min": 4500,
                "wage_max": 6500,
                "threshold": "none",
            },
        )
        out.append(employer)
    return out


def _registrations(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    fair: Fair,
    wushan_id: uuid.UUID,
    rng: random.Random,
) -> list[FairRegistration]:
    """The county's registered job seekers, then walk-ins (some not in the register)."""
    laborers = list(
        session.scalars(
            select(Laborer).where(Laborer.tenant_id == wushan_id).order_by(Laborer.name).limit(260)
        )
    )
    registered_at = datetime(2021, 3, 14, 2, 0, tzinfo=UTC)
    rows = []
    for index, laborer in enumerate(laborers):
        rows.append(
            FairRegistration(
                id=uuid.uuid4(),
                fair_id=fair.id,
                fair_tenant_id=wushan_id,
                tenant_id=wushan_id,
                laborer_id=laborer.id,
                laborer_tenant_id=wushan_id,
                name=laborer.name,
                id_number_hash=laborer.id_number_hash,
                id_number_masked=laborer.id_number_masked,
                code=new_code(),
                registered_at=registered_at,
                checked_in_at=registered_at if index % 12 else None,
            )
        )
    seen = {r.id_number_hash for r in rows}
    while sum(1 for r in rows if r.checked_in_at) < ATTENDEES:
        sex = rng.choice(("male", "female"))
        born = date(rng.randint(1968, 2003), rng.randint(1, 12), rng.randint(1, 28))
        number = _id_number(rng, "500237", born)
        digest = id_hash(cipher, number)
        if digest in seen:
            continue
        seen.add(digest)
        rows.append(
            FairRegistration(
                id=uuid.uuid4(),
                fair_id=fair.id,
                fair_tenant_id=wushan_id,
                tenant_id=wushan_id,
                name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN[sex], 2)),
                id_number_hash=digest,
                id_number_masked=mask_id_number(number) or "",
                code=new_code(),
                walk_in=True,
                registered_at=registered_at,
                checked_in_at=registered_at,
                checked_in_by_label="巫山县人社局 · 现场登记",
            )
        )
    repository.add(session, access, *rows)
    return rows
