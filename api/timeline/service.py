"""A laborer's timeline: everything recorded about one person, newest first.

The county and its liaison offices see the whole record. A receiving bureau sees only
what concerns its employers (referrals to its vacancies, intentions at its booths,
placements with its employers and their verifications and leave, disputes with them),
under a masked name; a laborer it has no such record of answers 404.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.casework.service import full_view
from api.errors import NotFound
from api.i18n import gettext as _
from api.labels import label
from api.security.masking import mask_name
from api.supply import repository as register
from api.timeline import repository
from shared_models import Laborer
from shared_models.enums import OrgKind

_EARLIEST = datetime.min.replace(tzinfo=UTC)


class EntryKind(StrEnum):
    SURVEY = "survey"
    REFERRAL = "referral"
    FAIR = "fair"
    TRAINING = "training"
    PLACEMENT = "placement"
    LEAVE = "leave"
    VERIFICATION = "verification"
    CLAIM = "claim"
    CASE = "case"


def kind_label(kind: EntryKind) -> str:
    return {
        EntryKind.SURVEY: _("Survey"),
        EntryKind.REFERRAL: _("Referral"),
        EntryKind.FAIR: _("Fair"),
        EntryKind.TRAINING: _("Training"),
        EntryKind.PLACEMENT: _("Job"),
        EntryKind.LEAVE: _("Leave"),
        EntryKind.VERIFICATION: _("Verification"),
        EntryKind.CLAIM: _("Subsidy"),
        EntryKind.CASE: _("Case"),
    }[kind]


@dataclass(frozen=True)
class Entry:
    on: date
    kind: EntryKind
    title: str
    detail: str | None
    by: str | None
    ref_type: str  # the record the entry comes from, for a link
    ref_id: uuid.UUID
    at: datetime | None = None  # orders entries of one day


@dataclass(frozen=True)
class Timeline:
    laborer_id: uuid.UUID
    name: str | None
    masked: bool
    entries: list[Entry]
    laborer: Laborer | None = None  # the register's row, for the county's own pages


def _day(moment: datetime) -> date:
    return clock.day_of(moment)  # a timestamp's date is the bureau's date


def _yuan(amount: int) -> str:
    return _("{amount} yuan", amount=f"{amount:,}")


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def timeline(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> Timeline:
    bureau = access.tenant_id if access.tenant_kind is OrgKind.RECEIVING else None
    laborer = None
    if bureau is None:
        laborer = register.get(session, access, laborer_id)
        if laborer is None:  # outside the county, as for a laborer that does not exist
            raise NotFound()
        name: str | None = laborer.name
        entries = _employer_side(session, access, laborer_id, None)
        entries.append(
            Entry(
                _day(laborer.created_at),
                EntryKind.SURVEY,
                _("Entered in the register"),
                None,
                None,
                "laborer",
                laborer_id,
                laborer.created_at,
            )
        )
        entries += _county_only(session, access, laborer_id)
    else:
        entries = _employer_side(session, access, laborer_id, bureau)
        if not entries:
            raise NotFound()
        stored = repository.laborer_name(session, access, laborer_id)
        name = mask_name(stored) if stored else None
    entries.sort(key=lambda e: (e.on, e.at or _EARLIEST), reverse=True)
    return Timeline(laborer_id, name, bureau is not None, entries, laborer)


def _employer_side(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> list[Entry]:
    """Records both sides may see (narrowed to the bureau's employers for a bureau)."""
    county = bureau is None
    entries: list[Entry] = []
    for event, referral_id, vacancy, employer in repository.referral_steps(
        session, access, laborer_id, bureau
    ):
        entries.append(
            Entry(
                event.occurred_on,
                EntryKind.REFERRAL,
                _("Referral: {step}", step=label(event.to_status)),
                _join(employer, vacancy, event.note if county else None),
                event.recorded_by_label,
                "referral",
                referral_id,
                event.created_at,
            )
        )
    for intention, fair, vacancy, employer in repository.fair_intentions(
        session, access, laborer_id, bureau
    ):
        entries.append(
            Entry(
                _day(intention.created_at),
                EntryKind.FAIR,
                _("Fair booth: {outcome}", outcome=label(intention.outcome)),
                _join(employer, vacancy, fair),
                intention.recorded_by_label,
                "fair",
                intention.fair_id,
                intention.created_at,
            )
        )
    for spell in repository.placement_spells(session, access, laborer_id, bureau):
        entries.append(
            Entry(
                spell.started_on,
                EntryKind.PLACEMENT,
                _("Started work"),
                _join(spell.employer_name, spell.city, label(spell.channel)),
                None,
                "placement",
                spell.id,
            )
        )
        if spell.ended_on is not None:
            entries.append(
                Entry(
                    spell.ended_on,
                    EntryKind.PLACEMENT,
                    _("Left the job"),
                    _join(spell.employer_name, label(spell.separation_reason)),
                    None,
                    "placement",
                    spell.id,
                )
            )
    for check, employer in repository.verifications(session, access, laborer_id, bureau):
        entries.append(
            Entry(
                check.month,
                EntryKind.VERIFICATION,
                _("Verified in post") if check.in_post else _("Found not in post"),
                _join(f"{check.month:%Y-%m}", employer, label(check.source)),
                check.recorded_by_label,
                "placement",
                check.placement_id,
                check.recorded_at,
            )
        )
    for leave, employer in repository.leaves(session, access, laborer_id, bureau):
        entries.append(
            Entry(
                leave.left_on,
                EntryKind.LEAVE,
                _("Holiday leave"),
                _join(
                    employer,
                    _("due back {day}", day=leave.expected_return_on.isoformat()),
                    leave.trip,
                ),
                None,
                "placement",
                leave.placement_id,
            )
        )
        if leave.returned_on is not None:
            entries.append(
                Entry(
                    leave.returned_on,
                    EntryKind.LEAVE,
                    _("Back from holiday leave"),
                    employer,
                    None,
                    "placement",
                    leave.placement_id,
                )
            )
    entries += _cases(session, access, laborer_id)
    return entries


def _cases(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[Entry]:
    entries = []
    for case in repository.cases_about(session, access, laborer_id):
        full = full_view(access, case)
        what = label(case.dispute_kind) if case.dispute_kind else label(case.kind)
        detail = case.summary if full else _join(case.employer_name, label(case.status))
        entries.append(
            Entry(
                case.occurred_on,
                EntryKind.CASE,
                _("Case opened: {kind}", kind=what),
                detail,
                case.opened_by_label if full else None,
                "case",
                case.id,
                case.created_at,
            )
        )
        if case.closed_on is not None:
            entries.append(
                Entry(
                    case.closed_on,
                    EntryKind.CASE,
                    _("Case {status}: {kind}", status=label(case.status), kind=what),
                    case.outcome if full else None,
                    None,
                    "case",
                    case.id,
                )
            )
    return entries


def _county_only(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[Entry]:
    """Records that stay with the county and its offices: the register's surveys,
    fair registrations, trainings and subsidy claims."""
    entries = []
    for survey in repository.surveys(session, access, laborer_id):
        entries.append(
            Entry(
                survey.surveyed_on,
                EntryKind.SURVEY,
                _("Registry survey"),
                _join(label(survey.employment_status), label(survey.employment_need), survey.note),
                survey.surveyor,
                "laborer",
                laborer_id,
                survey.created_at,
            )
        )
    for reg, fair in repository.fair_registrations(session, access, laborer_id):
        entries.append(
            Entry(
                _day(reg.registered_at),
                EntryKind.FAIR,
                _("Walked in at a fair") if reg.walk_in else _("Registered for a fair"),
                fair,
                None,
                "fair",
                reg.fair_id,
                reg.registered_at,
            )
        )
        if reg.checked_in_at is not None:
            entries.append(
                Entry(
                    _day(reg.checked_in_at),
                    EntryKind.FAIR,
                    _("Checked in at a fair"),
                    fair,
                    reg.checked_in_by_label,
                    "fair",
                    reg.fair_id,
                    reg.checked_in_at,
                )
            )
    entries += _trainings(session, access, laborer_id)
    entries += _claims(session, access, laborer_id)
    return entries


def _trainings(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[Entry]:
    entries = []
    for enrollment, training in repository.training_enrollments(session, access, laborer_id):
        ref = ("training", enrollment.training_id)
        entries.append(
            Entry(
                enrollment.enrolled_on,  # when it happened, which may be long before typed in
                EntryKind.TRAINING,
                _("Enrolled in a training"),
                _join(training, label(enrollment.status)),
                enrollment.enrolled_by_label,
                *ref,
                enrollment.created_at,
            )
        )
        if enrollment.withdrawn_on is not None:
            entries.append(
                Entry(
                    enrollment.withdrawn_on,
                    EntryKind.TRAINING,
                    _("Withdrew from a training"),
                    _join(training, enrollment.withdrawal_reason),
                    None,
                    *ref,
                )
            )
        if enrollment.completed_on is not None:
            entries.append(
                Entry(
                    enrollment.completed_on,
                    EntryKind.TRAINING,
                    _("Completed a training"),
                    _join(training, enrollment.assessment_result, enrollment.certificate_number),
                    None,
                    *ref,
                )
            )
    return entries


def _claims(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[Entry]:
    entries = []
    for claim, policy in repository.subsidy_claims(session, access, laborer_id):
        what = _join(policy, _yuan(claim.amount))
        steps: list[tuple[date | None, datetime | None, str, str | None, str | None]] = [
            (_day(claim.created_at), claim.created_at, _("Subsidy claim raised"), what,
             claim.raised_by_label),
            (claim.verified_at and _day(claim.verified_at), claim.verified_at,
             _("Subsidy claim verified"), what, claim.verified_by_label),
            (claim.approved_at and _day(claim.approved_at), claim.approved_at,
             _("Subsidy claim approved"), what, claim.approved_by_label),
            (claim.paid_on, None, _("Subsidy paid"), _join(what, claim.bank_reference), None),
            (claim.rejected_at and _day(claim.rejected_at), claim.rejected_at,
             _("Subsidy claim sent back"), _join(what, claim.rejected_reason),
             claim.rejected_by_label),
        ]  # fmt: skip
        entries += [
            Entry(on, EntryKind.CLAIM, title, detail, by, "claim", claim.id, at)
            for on, at, title, detail, by in steps
            if on is not None
        ]
    return entries
