"""Which pages each kind of organization, and each role, has a use for.

One table serves both the navigation (a link shows only when its page would open) and
the pages themselves: a page outside the caller's house answers 404, like an object
outside its tenant sets, rather than an empty roster with export buttons. Rules are
matched on the route's path template, longest first; a page no rule names serves
every signed-in tenant. Only pages (GET) are ruled here: a form posted from outside
the house is refused by its service.
"""

from dataclasses import dataclass

from api import supervisor_house
from api.access import AccessContext
from api.errors import NotFound
from shared_models.enums import OrgKind, Permission

SENDING = frozenset({OrgKind.SENDING})
COUNTY = frozenset({OrgKind.SENDING, OrgKind.LIAISON})  # the register and its offices
BUREAUS = frozenset({OrgKind.SENDING, OrgKind.RECEIVING})  # the demand pool's posters
LIAISON = frozenset({OrgKind.LIAISON})
EVERY = frozenset(OrgKind)


@dataclass(frozen=True)
class House:
    kinds: frozenset[OrgKind] = EVERY
    permission: Permission | None = None


WRITE = Permission.WRITE

# Path template (or its prefix, whole segments) → who uses it.
RULES: dict[str, House] = {
    # The register: a receiving bureau sees referred people one by one, on their timeline.
    "/laborers": House(COUNTY),
    "/laborers/new": House(SENDING, WRITE),
    "/laborers/import": House(SENDING, WRITE),
    "/laborers/{laborer_id}/edit": House(COUNTY, WRITE),
    "/laborers/{laborer_id}/timeline": House(EVERY),
    "/handbook": House(COUNTY),
    "/verifications": House(COUNTY),
    "/returns": House(COUNTY),
    "/claims": House(COUNTY),
    "/claims/raise-due": House(SENDING, WRITE),  # the paying bureau raises claims
    "/claims-batches": House(SENDING),
    "/claims-batches/new": House(SENDING, WRITE),  # confirms what a batch takes
    "/claims-batches/{batch_id}/pay": House(SENDING, WRITE),
    "/subsidies/policies": House(SENDING),
    "/subsidies/policies/new": House(SENDING, WRITE),
    "/subsidies/policies/{policy_id}/edit": House(SENDING, WRITE),
    "/warnings": House(COUNTY),
    # Cases are the offices'; the employer's bureau reads disputes with its employers.
    "/cases": House(COUNTY),
    "/cases/new": House(LIAISON, WRITE),
    "/cases/{case_id}": House(EVERY),
    "/casework": House(COUNTY),
    "/employers/new": House(BUREAUS, WRITE),
    "/employers/{employer_id}/edit": House(BUREAUS, WRITE),
    "/vacancies/new": House(BUREAUS, WRITE),
    "/vacancies/import": House(BUREAUS, WRITE),
    "/vacancies/{vacancy_id}/edit": House(BUREAUS, WRITE),
    "/fairs/new": House(BUREAUS, WRITE),  # fairs are organized by a pairing's bureaus
    "/trainings/new": House(EVERY, WRITE),
    "/trainings/{training_id}/edit": House(EVERY, WRITE),
    "/admin": House(EVERY, Permission.MANAGE_MEMBERS),
    # Period reports: bureaus submit theirs, supervisors decide; a liaison office has none.
    "/oversight/reports": House(
        frozenset({OrgKind.SENDING, OrgKind.RECEIVING, OrgKind.SUPERVISING})
    ),
}


def house_of(path: str) -> House:
    """The rule for a path template (or a plain path: templates and paths share prefixes)."""
    probe = path.rstrip("/") or "/"
    while True:
        rule = RULES.get(probe)
        if rule is not None:
            return rule
        if "/" not in probe.strip("/"):
            return House()
        probe = probe.rsplit("/", 1)[0]


def serves(access: AccessContext | None, path: str) -> bool:
    """True when the page at `path` is of use to the caller: the nav shows its link."""
    if access is None or not supervisor_house.serves(access, path):
        return False
    rule = house_of(path)
    if access.tenant_kind not in rule.kinds:
        return False
    return rule.permission is None or access.can(rule.permission)


def check(access: AccessContext, route_path: str) -> None:
    """404 for a page outside the caller's house, whether its kind of organization or its
    role has no use for it (a staff member opening the admin pages included)."""
    if not serves(access, route_path):
        raise NotFound()
