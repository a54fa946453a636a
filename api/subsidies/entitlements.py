"""Entitlements: each policy of the paying bureau judged against a laborer's records.

The policy version that judges a stay is the one in force when the stay started; the
result is stored in `entitlements` (for the claims queue and the budget) whenever a
laborer's placements change and by the nightly `laborbridge subsidies evaluate`."""

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.db import is_postgres
from api.subsidies import repository, stay_repository
from api.subsidies.rules import Person, Result, Terms, evaluate
from api.subsidies.stay import Calendar, Continuity, Leave, Spell, Stay, stays
from shared_models import Laborer, SubsidyPolicy

BATCH = 2_000


def terms_of(policy: SubsidyPolicy) -> Terms:
    return Terms(
        kind=policy.kind,
        amount=policy.amount,
        months=policy.months,
        cap=policy.cap,
        poverty_statuses=frozenset(policy.poverty_statuses or ()),
        household_prefix=policy.household_region,
        destination_prefixes=tuple(policy.destination_regions or ()),
        channels=frozenset(policy.channels or ()),
        transfer_from=policy.transfer_from,
        transfer_until=policy.transfer_until,
        continuity=Continuity(
            max_gap_days=policy.max_gap_days,
            max_leave_days=policy.max_leave_days,
            area_prefixes=tuple(policy.destination_regions or ()),
        ),
        requires_verification=policy.requires_verification,
    )


def version_for(versions: Sequence[SubsidyPolicy], started_on: date | None) -> SubsidyPolicy:
    """The version in force on the day a stay started (the latest when none started)."""
    if started_on is None:
        return versions[-1]
    chosen = versions[0]
    for version in versions:
        if version.effective_from is None or version.effective_from <= started_on:
            chosen = version
    return chosen


@dataclass
class Records:
    spells: list[Spell] = field(default_factory=list)
    leaves: list[Leave] = field(default_factory=list)
    verified: set[date] = field(default_factory=set)


def judge(
    versions: Sequence[SubsidyPolicy],
    person: Person,
    records: Records,
    as_of: date,
    *,
    terms: Mapping[uuid.UUID, Terms] | None = None,
    found: dict[Continuity, list[Stay]] | None = None,
) -> tuple[SubsidyPolicy, Result]:
    """`terms` (each version's, computed once per run) and `found` (this laborer's stays
    per set of continuity rules, shared across policies) only save work."""
    found = {} if found is None else found

    def under(policy: SubsidyPolicy) -> Result:
        rules = terms[policy.id] if terms is not None else terms_of(policy)
        if rules.continuity not in found:
            found[rules.continuity] = stays(records.spells, records.leaves, rules.continuity, as_of)
        return evaluate(rules, person, found[rules.continuity], records.verified)

    policy = versions[-1]
    result = under(policy)
    start = result.stay.started_on if result.stay else None
    chosen = version_for(versions, start)
    if chosen.id != policy.id:
        policy, result = chosen, under(chosen)
    return policy, result


def families(policies: Iterable[SubsidyPolicy]) -> dict[uuid.UUID, list[SubsidyPolicy]]:
    out: dict[uuid.UUID, list[SubsidyPolicy]] = defaultdict(list)
    for policy in sorted(policies, key=lambda p: (p.family_id, p.version)):
        out[policy.family_id].append(policy)
    return out


def row_for(
    laborer_id: uuid.UUID, policy: SubsidyPolicy, result: Result, as_of: date
) -> dict[str, Any]:
    nxt = result.next_due()
    ongoing = bool(result.stay and result.stay.ongoing)
    schedule = [[u.due_on.isoformat(), u.amount] for u in result.units if not u.earned and ongoing]
    row: dict[str, Any] = {
        "family_id": policy.family_id,
        "laborer_id": laborer_id,
        "tenant_id": policy.tenant_id,
        "policy_id": policy.id,
        "placement_id": result.stay.first.id if result.stay else None,
        "eligible": result.eligible,
        "reasons": list(result.reasons),
        "stay_started_on": result.stay.started_on if result.stay else None,
        "ongoing": ongoing,
        "months": result.months,
        "earned": result.earned if result.eligible else 0,
        "earned_units": sum(1 for u in result.units if u.earned) if result.eligible else 0,
        "total": result.total if result.eligible else 0,
        "next_due_on": nxt[0] if nxt and result.eligible else None,
        "next_due_amount": nxt[1] if nxt and result.eligible else None,
        "schedule": schedule if result.eligible else [],
        "as_of": as_of,
    }
    row["fingerprint"] = fingerprint(row)
    return row


def fingerprint(row: dict[str, Any]) -> str:
    """A digest of what an entitlement row says, the evaluation day aside: of the repr of
    the list of its values, spelled out item by item so that the payer's and the policy's
    ids, the same in every row, are written once (the same digest, a third less time)."""
    content = "[" + ", ".join([_repr(row[k]) for k in FINGERPRINTED]) + "]"
    return hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


SKIPPED = frozenset({"as_of", "fingerprint"})
FINGERPRINTED = tuple(k for k in repository.ENTITLEMENT_FIELDS if k not in SKIPPED)


@lru_cache(maxsize=4_096)
def _id_repr(value: uuid.UUID) -> str:
    return repr(value)


def _repr(value: object) -> str:
    return _id_repr(value) if type(value) is uuid.UUID else repr(value)


def load_records(
    session: Session,
    access: AccessContext,
    laborer_ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
    *,
    leaves: bool = True,
    verified: bool = True,
) -> dict[uuid.UUID, Records]:
    """Spells always; leaves and verified months unless the caller knows it needs none
    (the nightly run on PostgreSQL, whose stays and months come from the database)."""
    out: dict[uuid.UUID, Records] = defaultdict(Records)
    for row in repository.placements_of(session, access, laborer_ids):
        out[row.laborer_id].spells.append(
            Spell(row.id, row.started_on, row.ended_on, row.region_code, str(row.channel))
        )
    if leaves:
        add_leaves(session, access, out, laborer_ids)
    if verified:
        for row in repository.verified_months(session, access, laborer_ids):
            out[row.laborer_id].verified.add(row.month)
    return out


def add_leaves(
    session: Session,
    access: AccessContext,
    records: dict[uuid.UUID, Records],
    laborer_ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
) -> None:
    for row in repository.leaves_of(session, access, laborer_ids):
        records[row.laborer_id].leaves.append(Leave(row.placement_id, row.left_on, row.returned_on))


def _may_refresh(access: AccessContext, tenant_id: uuid.UUID) -> bool:
    return access.can_read(DataKind.SUBSIDY, tenant_id) and (
        access.can_write(DataKind.SUBSIDY, tenant_id)
        or access.can_write(DataKind.PLACEMENT, tenant_id)
    )


@dataclass
class Changes:
    """Rows to write and rows to drop. Only what a policy may pay is stored (the claims
    queue and the budget read it); why someone is not eligible is judged live on their
    page, so ineligible pairs cost no row."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)

    def add(
        self,
        stored: Mapping[tuple[uuid.UUID, uuid.UUID], str],
        laborer_id: uuid.UUID,
        policy: SubsidyPolicy,
        result: Result,
        as_of: date,
    ) -> None:
        key = (policy.family_id, laborer_id)
        if not result.eligible:
            if key in stored:
                self.dropped.append(key)
            return
        row = row_for(laborer_id, policy, result, as_of)
        if stored.get(key) != row["fingerprint"]:
            self.rows.append(row)

    @property
    def count(self) -> int:
        return len(self.rows) + len(self.dropped)

    def save(self, session: Session, access: AccessContext) -> None:
        repository.drop_entitlement_pairs(session, access, self.dropped)
        repository.upsert_entitlements(session, access, self.rows)


def refresh(
    session: Session, access: AccessContext, laborer: Laborer, *, today: date | None = None
) -> None:
    """Recompute one laborer's entitlements after their records changed. A caller who
    may not see the county's policies (the employer's bureau) leaves it to the nightly
    evaluation."""
    today = today or clock.today()
    if not _may_refresh(access, laborer.tenant_id):
        return
    grouped = families(repository.policies_of(session, access, laborer.tenant_id))
    if not grouped:
        return
    records = load_records(session, access, [laborer.id])[laborer.id]
    person = Person(laborer.poverty_status.value, laborer.region_code)
    stored = repository.stored_fingerprints(session, access, [laborer.id])
    changes = Changes()
    for versions in grouped.values():
        policy, result = judge(versions, person, records, today)
        changes.add(stored, laborer.id, policy, result, today)
    changes.save(session, access)


def evaluate_page(
    session: Session,
    access: AccessContext,
    *,
    as_of: date,
    after: uuid.UUID | None,
    upto: uuid.UUID | None = None,
    limit: int = BATCH,
) -> tuple[uuid.UUID | None, int, int]:
    """One page of the caller's placed laborers: (last id, laborers, rows written).
    Idempotent: rows already right are left alone."""
    grouped = families(repository.policies_of(session, access, access.tenant_id))
    batch = repository.placed_laborers_after(session, access, access.tenant_id, after, limit, upto)
    if not batch or not grouped:
        return None, len(batch), 0
    span = (batch[0].id, batch[-1].id)  # the page is ordered by id: one range covers it
    terms = {p.id: terms_of(p) for versions in grouped.values() for p in versions}
    verifying = any(t.requires_verification for t in terms.values())
    postgres = is_postgres(session)
    # On PostgreSQL the stays and their months come from the database; leaves are read
    # only for the laborers it hands back (irregular records) and verified months only
    # where a policy asks for them (a stay counted from a later placement of it).
    records = load_records(session, access, span, leaves=not postgres, verified=verifying)
    stored = repository.stored_fingerprints(session, access, span)
    computed: dict[uuid.UUID, dict[Continuity, list[Stay]]] = {}
    if postgres:
        rule_sets = {t.continuity for t in terms.values()}
        computed = stays_in_sql(
            session, access, span, rule_sets, records, as_of, calendar=True, verified=verifying
        )
        left = [laborer.id for laborer in batch if laborer.id not in computed]
        if left:
            add_leaves(session, access, records, left)
    changes = Changes()
    for laborer in batch:
        person = Person(str(laborer.poverty_status), laborer.region_code)
        found = computed.get(laborer.id, {})
        for versions in grouped.values():
            policy, result = judge(
                versions, person, records[laborer.id], as_of, terms=terms, found=found
            )
            changes.add(stored, laborer.id, policy, result, as_of)
    changes.save(session, access)
    return span[1], len(batch), changes.count


def stays_in_sql(
    session: Session,
    access: AccessContext,
    span: tuple[uuid.UUID, uuid.UUID],
    rule_sets: Iterable[Continuity],
    records: Mapping[uuid.UUID, Records],
    as_of: date,
    *,
    calendar: bool = False,
    verified: bool = False,
) -> dict[uuid.UUID, dict[Continuity, list[Stay]]]:
    """The page's stays under each set of continuity rules, computed by PostgreSQL
    (`stay.stays` is the reference); laborers the statement leaves to the Python model
    are missing, so `judge` computes theirs. A laborer present has an entry for every set
    of rules (empty where no stay counts). With `calendar`, each stay carries its months
    (`verified`: judged against the verifications in post, which a policy that asks for
    them needs)."""
    rule_sets = list(rule_sets)
    out: dict[uuid.UUID, dict[Continuity, list[Stay]]] = defaultdict(dict)
    left: set[uuid.UUID] = set()  # for the Python model, under every set of rules
    for rules in rule_sets:
        rows, irregular = stay_repository.stays_in_range(
            session,
            access,
            span,
            as_of=as_of,
            max_gap_days=rules.max_gap_days,
            max_leave_days=rules.max_leave_days,
            area_prefixes=rules.area_prefixes,
            calendar=calendar,
            with_verified=verified,
        )
        for row in rows:
            held = records.get(row.laborer_id)
            by_id = {s.id: s for s in held.spells} if held else {}
            if any(i not in by_id for i in row.spell_ids):
                irregular.add(row.laborer_id)  # a spell recorded between the two reads
                continue
            spells = [by_id[i] for i in dict.fromkeys(row.spell_ids)]
            ongoing = row.last_day == as_of and (
                row.last_ended_on is None or row.last_ended_on >= as_of
            )
            months = (
                Calendar(row.month_days, row.month_verified)
                if row.month_days is not None and row.month_verified is not None
                else None
            )
            stay = Stay(spells[0], row.started_on, row.last_day, ongoing, spells, months)
            out[row.laborer_id].setdefault(rules, []).append(stay)
        left |= irregular
    for laborer_id in left:
        out.pop(laborer_id, None)
    for found in out.values():
        for rules in rule_sets:
            found.setdefault(rules, [])
    return out
