"""Who may see and change what: the request's AccessContext.

`build_access_context` is the one function that turns (user, tenant) into the sets of
tenant ids whose data the caller may read or write, per kind of data, following the
sharing table in DESIGN.md. Repositories take the context and filter by it; on
PostgreSQL the same sets are handed to row-level security (`rls_settings`).
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from api.errors import Forbidden
from api.tenancy.scope_repository import ScopeRows, load_scope_rows
from shared_models.enums import OrgKind, Permission, Role


class DataKind(StrEnum):
    """Kinds of tenant data with their own row of the sharing table."""

    ORGANIZATION = "organization"
    MEMBERSHIP = "membership"
    AUDIT = "audit"
    LABORER = "laborer"
    DEMAND = "demand"  # employers and vacancies: the shared demand pool
    REFERRAL = "referral"  # referrals, by the laborer's county
    REFERRAL_VACANCY = "referral_vacancy"  # referrals, by the vacancy's bureau
    EVENT = "event"  # fairs and trainings
    PLACEMENT = "placement"
    SUBSIDY = "subsidy"  # policies, entitlements, claims, payments: the paying bureau's
    CLAIM_VERIFY = "claim_verify"  # verifying claims: the county's liaison offices
    CASE = "case"
    WARNING = "warning"  # early-warning flags: the county's, worked by its offices
    IDENTITY = "identity"  # keyed hashes of ID numbers, for duplicate flags across counties
    IMPORT = "import"  # uploaded spreadsheets and their previews
    SNAPSHOT = "snapshot"  # frozen figures of a period: the tenant's own
    # Period reports: a bureau's own; its supervisors read them and sign them off.
    REPORT = "report"


ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.STAFF: frozenset({Permission.READ, Permission.WRITE}),
    Role.ADMIN: frozenset(
        {Permission.READ, Permission.WRITE, Permission.MANAGE_MEMBERS, Permission.READ_AUDIT}
    ),
}

TenantSet = frozenset[uuid.UUID]


@dataclass(frozen=True)
class AccessContext:
    """Everything a repository needs to know about the caller. Immutable per request."""

    tenant_id: uuid.UUID
    tenant_kind: OrgKind
    tenant_name: str
    tenant_region_code: str
    user_id: uuid.UUID | None
    actor_label: str
    role: Role
    permissions: frozenset[Permission]
    readable: Mapping[DataKind, TenantSet]
    writable: Mapping[DataKind, TenantSet]
    # Sending bureaus this tenant works with (for a receiving bureau: its partners).
    partner_ids: TenantSet = field(default_factory=frozenset)
    pairing_ids: TenantSet = field(default_factory=frozenset)
    # A bureau's supervising organizations; a supervising organization's bureaus.
    supervisor_ids: TenantSet = field(default_factory=frozenset)
    supervised_ids: TenantSet = field(default_factory=frozenset)
    request_id: str | None = None

    @property
    def recorded_as(self) -> str:
        """Who did it, as a record keeps it: the person and the organization, for rows
        read by other tenants that cannot look the user up."""
        return f"{self.actor_label} · {self.tenant_name}"[:120]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise Forbidden(permission)

    def can_read(self, kind: DataKind, tenant_id: uuid.UUID) -> bool:
        return tenant_id in self.readable.get(kind, frozenset())

    def can_write(self, kind: DataKind, tenant_id: uuid.UUID) -> bool:
        return Permission.WRITE in self.permissions and tenant_id in self.writable.get(
            kind, frozenset()
        )

    def read_ids(self, kind: DataKind) -> TenantSet:
        return self.readable.get(kind, frozenset())

    def write_ids(self, kind: DataKind) -> TenantSet:
        return self.writable.get(kind, frozenset())

    @property
    def audit_tenant_ids(self) -> TenantSet:
        """Tenants whose audit chain this caller may append to: its own and every
        tenant whose data it may change (entries go to the data owner's log)."""
        ids: set[uuid.UUID] = {self.tenant_id}
        for tenant_ids in self.writable.values():
            ids |= tenant_ids
        return frozenset(ids)

    def check_rows(self, *objects: object) -> None:
        """Raise unless every row (an ORM object or a dict of columns, with a tenant_id)
        belongs to a tenant this caller may write to: a repository's own check on what a
        service built, on SQLite as on PostgreSQL, where RLS checks it again."""
        allowed = self.audit_tenant_ids
        for obj in objects:
            if isinstance(obj, dict):
                tenant_id = obj.get("tenant_id")
            else:
                tenant_id = getattr(obj, "tenant_id", None)
            if tenant_id is not None and tenant_id not in allowed:
                raise PermissionError("write outside the caller's tenants")

    @property
    def figure_tenants(self) -> TenantSet:
        """Every tenant whose rows a figure of this view may count: its own, every tenant
        it reads any kind of, its partners and supervised bureaus (the change log of the
        remembered figures, api/oversight/figures.py, is read by it)."""
        ids: set[uuid.UUID] = {self.tenant_id, *self.partner_ids, *self.supervised_ids}
        for tenant_ids in self.readable.values():
            ids |= tenant_ids
        return frozenset(ids)

    def rls_settings(self) -> dict[str, str]:
        """Transaction-local PostgreSQL settings read by the row-level security policies."""
        settings = {
            "app.tenant_id": str(self.tenant_id),
            "app.user_id": str(self.user_id) if self.user_id else "",
            "app.audit_write": _join(self.audit_tenant_ids),
            "app.figure_tenants": _join(self.figure_tenants),
        }
        for kind in DataKind:
            settings[f"app.read_{kind.value}"] = _join(self.read_ids(kind))
            settings[f"app.write_{kind.value}"] = _join(self.write_ids(kind))
        return settings


def _join(ids: Iterable[uuid.UUID]) -> str:
    return ",".join(sorted(str(i) for i in ids))


def build_access_context(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    role: Role,
    can_reveal_pii: bool,
    user_id: uuid.UUID | None,
    actor_label: str,
    request_id: str | None = None,
) -> AccessContext:
    """The one place visibility is decided. Membership must already be checked."""
    rows = load_scope_rows(session, tenant_id)
    readable, writable = _sharing_table(rows)
    role = Role(role)
    permissions = set(ROLE_PERMISSIONS[role])
    if can_reveal_pii:
        permissions.add(Permission.REVEAL_PII)
    if role is Role.VIEWER:
        writable = {kind: frozenset() for kind in writable}
    return AccessContext(
        tenant_id=tenant_id,
        tenant_kind=rows.tenant.kind,
        tenant_name=rows.tenant.name,
        tenant_region_code=rows.tenant.region_code,
        user_id=user_id,
        actor_label=actor_label,
        role=role,
        permissions=frozenset(permissions),
        readable=readable,
        writable=writable,
        partner_ids=frozenset(rows.partner_ids),
        pairing_ids=frozenset(p.id for p in rows.pairings),
        supervisor_ids=frozenset(rows.supervisor_ids),
        supervised_ids=frozenset(rows.supervised_ids),
        request_id=request_id,
    )


def operator_access(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    read: Iterable[DataKind] = (),
    write: Iterable[DataKind] = (),
    actor_label: str = "operator",
    reveal_pii: bool = False,
) -> AccessContext:
    """A platform-operator context for one tenant and only the kinds named.

    The operator has no access to tenant data by default: each command states what it
    needs (creating a user writes a membership and the audit log; `audit verify` reads
    the audit log) and gets exactly that, in that one tenant.
    """
    rows = load_scope_rows(session, tenant_id)
    own = frozenset({tenant_id})
    return AccessContext(
        tenant_id=tenant_id,
        tenant_kind=rows.tenant.kind,
        tenant_name=rows.tenant.name,
        tenant_region_code=rows.tenant.region_code,
        user_id=None,
        actor_label=actor_label,
        role=Role.ADMIN,
        permissions=frozenset(
            {Permission.READ, Permission.WRITE} | ({Permission.REVEAL_PII} if reveal_pii else set())
        ),
        readable=dict.fromkeys(read, own),
        writable=dict.fromkeys(write, own),
        partner_ids=frozenset(rows.partner_ids),
        pairing_ids=frozenset(p.id for p in rows.pairings),
        supervisor_ids=frozenset(rows.supervisor_ids),
        supervised_ids=frozenset(rows.supervised_ids),
    )


def county_system_access(session: Session, county_id: uuid.UUID) -> AccessContext:
    """The county's own view of its data, for derived records computed on its behalf
    (early-warning flags): it reads what the county reads and writes only the flags.
    Nothing read under it is shown to the caller who triggered the computation."""
    return _system_access(session, county_id, DataKind.WARNING)


def snapshot_system_access(session: Session, tenant_id: uuid.UUID) -> AccessContext:
    """The tenant's own view, for freezing its figures of a period (the nightly
    `stats snapshot`): it reads what the tenant reads and writes only its snapshots."""
    return _system_access(session, tenant_id, DataKind.SNAPSHOT)


def registry_system_access(session: Session, county_id: uuid.UUID) -> AccessContext:
    """The county's own view, for the derived laborer state (api/supply/derived.py): it
    reads the county's placements, surveys and enrollments and writes only its register,
    whoever recorded the event (a receiving bureau's hire or separation included)."""
    return _system_access(session, county_id, DataKind.LABORER)


def bureau_system_access(session: Session, bureau_id: uuid.UUID) -> AccessContext:
    """A bureau's own view, for the dispute counts kept on its employers: it reads every
    dispute with them (whichever of its pairings' offices keeps it) and writes only its
    own demand-pool rows. Only the counts leave it, never what was read."""
    return _system_access(session, bureau_id, DataKind.DEMAND)


def _system_access(session: Session, tenant_id: uuid.UUID, writes: DataKind) -> AccessContext:
    # A system view reads no report, so it needs no supervision rows; and the data
    # migrations use it (0010's backfill) before the supervisions table exists (0016).
    rows = load_scope_rows(session, tenant_id, supervision=False)
    readable, _writable = _sharing_table(rows)
    return AccessContext(
        tenant_id=tenant_id,
        tenant_kind=rows.tenant.kind,
        tenant_name=rows.tenant.name,
        tenant_region_code=rows.tenant.region_code,
        user_id=None,
        actor_label="system",
        role=Role.ADMIN,
        permissions=frozenset({Permission.READ, Permission.WRITE}),
        readable=readable,
        writable={writes: frozenset({tenant_id})},
        partner_ids=frozenset(rows.partner_ids),
        pairing_ids=frozenset(p.id for p in rows.pairings),
        supervisor_ids=frozenset(rows.supervisor_ids),
        supervised_ids=frozenset(rows.supervised_ids),
    )


def _sharing_table(
    rows: ScopeRows,
) -> tuple[dict[DataKind, TenantSet], dict[DataKind, TenantSet]]:
    """DESIGN.md's sharing table, row by row, for the tenant in `rows`."""
    me = rows.tenant.id
    own = frozenset({me})
    # The county a sending bureau or liaison office works for, with its liaison offices.
    county = frozenset(rows.county_ids)
    # Everyone in the pairings this tenant takes part in (both bureaus, liaison offices).
    pairing_members = frozenset(rows.pairing_member_ids) | own
    sending_sides = frozenset(p.sending_org_id for p in rows.pairings)
    supervised = frozenset(rows.supervised_ids)
    kind = rows.tenant.kind

    if kind is OrgKind.SENDING:
        laborer_read = placement_read = subsidy_read = own
        case_read = county
        laborer_write = placement_write = own
        # A county refers its own laborers, and may post local vacancies (workshops).
        referral_read = referral_write = own
        referral_vacancy_read = referral_vacancy_write = own
    elif kind is OrgKind.LIAISON:
        parent = frozenset({rows.tenant.parent_id}) if rows.tenant.parent_id else frozenset()
        laborer_read = placement_read = subsidy_read = parent
        case_read = own
        laborer_write = placement_write = parent  # status, contact, visits
        # Stationed in the receiving city, it follows and updates its county's referrals.
        referral_read = referral_write = parent
        referral_vacancy_read = referral_vacancy_write = frozenset()
    elif kind is OrgKind.SUPERVISING:
        # Figures and reports only, of the bureaus it supervises: no person's record.
        laborer_read = placement_read = subsidy_read = case_read = frozenset()
        laborer_write = placement_write = frozenset()
        referral_read = referral_write = frozenset()
        referral_vacancy_read = referral_vacancy_write = frozenset()
    else:  # receiving: row-level narrowing (placed, own employers) is in the repositories
        # Laborers become visible one by one, when referred to or placed with this side
        # (masked, through the referrals to its vacancies); whole registers never are.
        laborer_read = frozenset()
        referral_read = referral_write = frozenset()
        # It records interviews and offers on referrals to its own vacancies.
        referral_vacancy_read = referral_vacancy_write = own
        placement_read = sending_sides
        subsidy_read = own
        case_read = frozenset(rows.pairing_member_ids) - sending_sides - own
        laborer_write = frozenset()
        placement_write = sending_sides  # may record a separation

    # A receiving bureau matches a walk-in at a joint fair's door to the partner county's
    # register: the keyed hash says "registered there" and nothing more.
    identity = frozenset(rows.co_paired_sending_ids) | (
        sending_sides if kind is OrgKind.RECEIVING else frozenset()
    )
    readable = {
        DataKind.ORGANIZATION: pairing_members | county | supervised,
        DataKind.MEMBERSHIP: own,
        DataKind.AUDIT: own,
        DataKind.LABORER: laborer_read,
        DataKind.DEMAND: pairing_members,
        DataKind.REFERRAL: referral_read,
        DataKind.REFERRAL_VACANCY: referral_vacancy_read,
        DataKind.EVENT: pairing_members,
        DataKind.PLACEMENT: placement_read,
        DataKind.SUBSIDY: subsidy_read,
        DataKind.CLAIM_VERIFY: subsidy_read if kind is OrgKind.LIAISON else frozenset(),
        DataKind.CASE: case_read,
        DataKind.WARNING: laborer_read if kind is not OrgKind.RECEIVING else frozenset(),
        DataKind.IDENTITY: identity,
        DataKind.IMPORT: own,
        DataKind.SNAPSHOT: own | supervised,
        DataKind.REPORT: own | supervised,
    }
    writable = {
        DataKind.ORGANIZATION: frozenset(),
        DataKind.MEMBERSHIP: own,
        DataKind.AUDIT: frozenset(),
        DataKind.LABORER: laborer_write,
        # Bureaus post employers and vacancies; a liaison office reads the pool.
        DataKind.DEMAND: own if kind is not OrgKind.LIAISON else frozenset(),
        DataKind.REFERRAL: referral_write,
        DataKind.REFERRAL_VACANCY: referral_vacancy_write,
        DataKind.EVENT: own,
        DataKind.PLACEMENT: placement_write,
        DataKind.SUBSIDY: own if kind is not OrgKind.LIAISON else frozenset(),
        DataKind.CLAIM_VERIFY: subsidy_read if kind is OrgKind.LIAISON else frozenset(),
        DataKind.CASE: own if kind is OrgKind.LIAISON else frozenset(),
        DataKind.WARNING: laborer_write,
        DataKind.IDENTITY: own if kind is OrgKind.SENDING else frozenset(),
        DataKind.IMPORT: own,
        DataKind.SNAPSHOT: own,
        # A bureau submits its own; a supervisor accepts or returns its bureaus'.
        DataKind.REPORT: supervised if kind is OrgKind.SUPERVISING else own,
    }
    return readable, writable
