"""Load the demo once: skipped when its first bureau already exists."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api import clock
from api.access import DataKind
from api.auth import accounts
from api.db import use_operator_access
from api.demand import service as demand
from api.demo import demand as demo_demand
from api.demo import fairs as demo_fairs
from api.demo import laborers as demo_laborers
from api.demo import seeded
from api.demo import subsidies as demo_subsidies
from api.demo import trainings as demo_trainings
from api.demo.data import (
    ACCOUNTS,
    BUREAUS,
    DEMO_PASSWORD,
    EXTRA_MEMBERSHIPS,
    PAIRINGS,
    SUPERVISIONS,
    SUPERVISORS,
)
from api.events import bus, wiring
from api.security.passwords import Passwords
from api.security.pii import PiiCipher
from api.supply.importer import Plan, apply_plan
from api.supply.records import check_record
from api.tenancy import repository as tenancy_repository
from api.tenancy import service as tenancy


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    password: str
    organization: str
    role: str


def already_loaded(session: Session) -> bool:
    return tenancy_repository.organization_by_name(session, BUREAUS[0].name) is not None


def sign_ins() -> list[DemoSignIn]:
    out = []
    orgs = (
        [(o.key, o.name) for o in BUREAUS]
        + [(p.liaison.key, p.liaison.name) for p in PAIRINGS]
        + [(o.key, o.name) for o in SUPERVISORS]
    )
    for key, name in orgs:
        for suffix, role, _pii, _title in ACCOUNTS:
            out.append(DemoSignIn(f"{key}.{suffix}", DEMO_PASSWORD, name, role))
    return out


LABORERS_PER_COUNTY = 300


def load(
    session: Session,
    passwords: Passwords,
    cipher: PiiCipher,
    progress: Callable[[str], None] = lambda _msg: None,
) -> bool:
    """Create the demo tenants, pairings, accounts, laborers and demand pool. False when
    already there."""
    if already_loaded(session):
        return False
    names = {}
    for org in BUREAUS:
        progress(org.name)
        tenancy.create_organization(session, kind=org.kind, name=org.name, region_code=org.region)
        names[org.key] = org.name
    for org in SUPERVISORS:
        progress(org.name)
        tenancy.create_organization(session, kind=org.kind, name=org.name, region_code=org.region)
        names[org.key] = org.name
    for supervisor, bureau in SUPERVISIONS:
        tenancy.supervise(session, supervisor_ref=names[supervisor], bureau_ref=names[bureau])
    for p in PAIRINGS:
        progress(f"{names[p.sending]} ⇄ {names[p.receiving]}")
        pairing = tenancy.create_pairing(
            session, sending_ref=names[p.sending], receiving_ref=names[p.receiving], year=p.year
        )
        for metric, value in p.targets.items():
            tenancy.set_target(session, pairing, year=p.target_year, metric=metric, value=value)
        tenancy.create_organization(
            session,
            kind="liaison",
            name=p.liaison.name,
            region_code=p.liaison.region,
            parent_ref=names[p.sending],
            pairing_ref=str(pairing.id),
        )
        names[p.liaison.key] = p.liaison.name
    # One hash serves every demo account: argon2 is slow by design.
    password_hash = passwords.hash(DEMO_PASSWORD)
    for key, name in names.items():
        progress(name)
        for suffix, role, pii, title in ACCOUNTS:
            accounts.create_user(
                session,
                passwords,
                org_ref=name,
                username=f"{key}.{suffix}",
                role=role,
                password=DEMO_PASSWORD,
                display_name=f"{name}{title}",
                can_reveal_pii=pii,
                password_hash=password_hash,
            )
    for username, org_key, role in EXTRA_MEMBERSHIPS:
        accounts.add_membership(session, username=username, org_ref=names[org_key], role=role)
    for seed, org in enumerate(o for o in BUREAUS if o.kind == "sending"):
        progress(f"{org.name}: {LABORERS_PER_COUNTY}")
        tenant = seeded.bureau(session, org.name)
        access = use_operator_access(
            session,
            tenant.id,
            read=[DataKind.LABORER],
            write=[DataKind.LABORER, DataKind.IDENTITY],
        )
        records = demo_laborers.generate(org.region, LABORERS_PER_COUNTY, seed=seed + 1)
        for record in records:
            if problems := check_record(record):  # sets record.identity
                raise RuntimeError(f"demo laborer {record.name} is invalid: {problems}")
        apply_plan(session, access, cipher, Plan(new=records), recorded_by=None)
    _post_demand(session, names, progress)
    wiring.wire()
    # Hundreds of placements and leaves: their after-commit work (the warnings) runs
    # here, once they are all in, rather than as a queued job each.
    with bus.held(session) as kept:
        demo_subsidies.load(session, names, progress, clock.today())
    bus.run_held(session, kept)
    demo_trainings.load(session, names, progress, clock.today())
    demo_fairs.load(session, cipher, progress)
    return True


def _post_demand(session: Session, names: dict[str, str], progress: Callable[[str], None]) -> None:
    """Each bureau posts its employers and vacancies through the service, as a form would:
    the same checks and audit entries (a few hundred rows: fast enough)."""
    today = clock.today()
    for key, postings in demo_demand.postings(today).items():
        count = sum(len(p.vacancies) for p in postings)
        progress(f"{names[key]}: {len(postings)} 家企业 / employers, {count} 个岗位 / vacancies")
        tenant = seeded.bureau(session, names[key])
        access = use_operator_access(
            session, tenant.id, read=[DataKind.DEMAND], write=[DataKind.DEMAND]
        )
        for posting in postings:
            employer = demand.create_employer(session, access, posting.employer)
            for values in posting.vacancies:
                demand.create_vacancy(session, access, employer.id, values, today=today)
