"""Search-as-you-type pickers: people, employers, vacancies and colleagues found by what
a clerk remembers (a name, the last digits of an ID number, a village, a credit code),
only among what the caller may read. Pages choose with these, never by typing an id."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.auth import repository as auth_repository
from api.demand import repository as demand_repository
from api.demand.pool import PoolFilter
from api.security.pii import PiiCipher
from api.supply import repository as supply_repository
from api.supply.rosters import RosterFilter
from api.supply.search import apply_query
from shared_models import Employer, Laborer, Vacancy

LIMIT = 10


class Kind(StrEnum):
    LABORER = "laborer"
    EMPLOYER = "employer"
    VACANCY = "vacancy"
    COLLEAGUE = "colleague"


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    label: str
    hint: str = ""


def _laborer(lab: Laborer) -> Choice:
    # The masked ID tells two people of the same name apart without revealing it.
    return Choice(lab.id, lab.name, f"{lab.township}{lab.village} · {lab.id_number_masked}")


def _employer(emp: Employer) -> Choice:
    return Choice(emp.id, emp.name, emp.credit_code or "")


def _vacancy(vac: Vacancy) -> Choice:
    name = vac.employer.name if vac.employer is not None else ""
    return Choice(vac.id, vac.title, name)


def search(
    session: Session, access: AccessContext, cipher: PiiCipher, kind: Kind, q: str
) -> list[Choice]:
    text = q.strip()[:40]
    if not text:
        return []
    match kind:
        case Kind.LABORER:
            return laborers(session, access, cipher, text)
        case Kind.EMPLOYER:
            rows, _total = demand_repository.employers(
                session, access, q=text, owner_id=None, offset=0, limit=LIMIT
            )
            return [_employer(e) for e in rows]
        case Kind.VACANCY:
            # Open vacancies only, as of the bureau's day: one cannot refer to a closed one.
            f = PoolFilter(q=text, open_only=True)
            rows = demand_repository.vacancies(
                session, access, f, clock.today(), offset=0, limit=LIMIT
            )
            return [_vacancy(v) for v in rows]
        case Kind.COLLEAGUE:
            return [c for c in colleagues(session, access) if text.lower() in c.label.lower()][
                :LIMIT
            ]


def laborers(session: Session, access: AccessContext, cipher: PiiCipher, q: str) -> list[Choice]:
    """By ID (whole, or its last four) or mobile when it looks like one; else names that
    start with the text, then people of a village of that name."""
    f = apply_query(RosterFilter(), q, cipher)
    found: list[Laborer] = list(supply_repository.page(session, access, f, offset=0, limit=LIMIT))
    if f.name is not None and len(found) < LIMIT:
        by_village = RosterFilter(village=q)
        seen = {lab.id for lab in found}
        more = supply_repository.page(session, access, by_village, offset=0, limit=LIMIT)
        found += [lab for lab in more if lab.id not in seen][: LIMIT - len(found)]
    return [_laborer(lab) for lab in found]


def colleagues(session: Session, access: AccessContext) -> list[Choice]:
    """The members of the caller's own office, by display name (never the username)."""
    return [
        Choice(m.user.id, m.user.display_name)
        for m in auth_repository.members(session, access)
        if m.tenant_id == access.tenant_id and m.user is not None
    ]


def chosen(session: Session, access: AccessContext, kind: Kind, ids: Sequence[str]) -> list[Choice]:
    """The choices already made (ids from a form), as labels; ids the caller may not read
    simply disappear."""
    wanted = _uuids(ids)
    if not wanted:
        return []
    match kind:
        case Kind.LABORER:
            rows = {lab.id: lab for lab in supply_repository.by_ids(session, access, wanted)}
            return [_laborer(rows[i]) for i in wanted if i in rows]
        case Kind.EMPLOYER:
            out = []
            for i in wanted:
                emp = demand_repository.get_employer(session, access, i)
                if emp is not None:
                    out.append(_employer(emp))
            return out
        case Kind.VACANCY:
            out = []
            for i in wanted:
                vac = demand_repository.get_vacancy(session, access, i)
                if vac is not None:
                    out.append(_vacancy(vac))
            return out
        case Kind.COLLEAGUE:
            mine = {c.id: c for c in colleagues(session, access)}
            return [mine[i] for i in wanted if i in mine]


def _uuids(values: Sequence[str]) -> list[uuid.UUID]:
    out: list[uuid.UUID] = []
    for value in values:
        for part in str(value).replace(",", " ").split():
            try:
                parsed = uuid.UUID(part)
            except ValueError:
                continue
            if parsed not in out:
                out.append(parsed)
    return out
