"""Placements: employment spells (monthly verification is in `verification`, holiday
leave in `holiday_leave`).

A laborer has at most one open spell, and spells never share a day: checked here with
the laborer's row locked, and held by a partial unique index for open spells. Every
change refreshes the laborer's subsidy entitlements where the caller may see them, and
raises its event (`PlacementRecorded`, `PlacementEnded`, `PlacementChanged`; a hire's
placement is `LaborerHired`'s): the warnings follow after the commit."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.demand import repository as demand_repository
from api.errors import FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.events.bus import publish
from api.events.catalog import PlacementChanged, PlacementEnded, PlacementRecorded
from api.i18n import _
from api.placements import repository
from api.subsidies import entitlements
from api.supply import derived
from api.supply import repository as supply_repository
from shared_models import Laborer, Placement, Referral
from shared_models.enums import (
    OrgKind,
    Permission,
    PlacementChannel,
    SeparationReason,
)
from shared_models.validators import RegionCodeError, city_name, validate_region_code


@dataclass
class PlacementInput:
    laborer_id: uuid.UUID
    channel: PlacementChannel
    started_on: date
    employer_id: uuid.UUID | None = None
    employer_name: str | None = None
    region_code: str | None = None
    ended_on: date | None = None
    separation_reason: SeparationReason | None = None
    note: str | None = None
    vacancy_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None


def require_county(access: AccessContext, tenant_id: uuid.UUID) -> None:
    access.require(Permission.WRITE)
    if not (
        access.can_write(DataKind.PLACEMENT, tenant_id)
        and access.can_write(DataKind.LABORER, tenant_id)
    ):
        raise Forbidden(
            detail=_("Placements are recorded by the laborer's county and its liaison offices.")
        )


def _laborer(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> Laborer:
    laborer = supply_repository.get(session, access, laborer_id)
    if laborer is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "laborer_id",
                    _("Laborer {id} is not in your register."),
                    "laborer_not_found",
                    {"id": laborer_id},
                )
            ]
        )
    return laborer


def _dates(
    started_on: date, ended_on: date | None, reason: SeparationReason | None, today: date
) -> list[FieldError]:
    errors = []
    if started_on > today:
        errors.append(
            FieldError("started_on", _("A placement starts today or earlier."), "future_date")
        )
    if ended_on is not None and ended_on < started_on:
        errors.append(
            FieldError("ended_on", _("The end date is before the start date."), "date_order")
        )
    if ended_on is not None and ended_on > today:
        errors.append(
            FieldError("ended_on", _("Record an end date once it has passed."), "future_date")
        )
    if reason is not None and ended_on is None:
        errors.append(
            FieldError(
                "separation_reason",
                _("Give the end date with the reason for leaving."),
                "reason_without_end",
            )
        )
    return errors


def _overlap_error(other: Placement) -> FieldError:
    until = other.ended_on.isoformat() if other.ended_on else _("now")
    return FieldError(
        "started_on",
        _(
            "This overlaps the placement at {employer} from {start} to {end}; "
            "a laborer holds one job at a time."
        ),
        "overlap",
        {"employer": other.employer_name, "start": other.started_on.isoformat(), "end": until},
    )


def create(
    session: Session, access: AccessContext, data: PlacementInput, *, today: date | None = None
) -> Placement:
    today = today or clock.today()
    laborer = _laborer(session, access, data.laborer_id)
    require_county(access, laborer.tenant_id)
    errors = _dates(data.started_on, data.ended_on, data.separation_reason, today)
    employer_tenant_id = None
    name, region = (data.employer_name or "").strip(), (data.region_code or "").strip()
    if data.employer_id is not None:
        employer = demand_repository.get_employer(session, access, data.employer_id)
        if employer is None:
            errors.append(
                FieldError(
                    "employer_id",
                    _("This employer is not in your demand pool."),
                    "employer_not_found",
                )
            )
        else:
            name, employer_tenant_id = employer.name, employer.tenant_id
            region = region or employer.region_code
    if not name:
        errors.append(
            FieldError(
                "employer_name", _("Choose an employer from the pool or type its name."), "missing"
            )
        )
    elif len(name) > 120:
        errors.append(
            FieldError(
                "employer_name", _("At most {count} characters."), "too_long", {"count": 120}
            )
        )
    try:
        region = validate_region_code(region, known=True)
    except RegionCodeError:
        errors.append(
            FieldError(
                "region_code",
                _("{code} is not a known region code (GB/T 2260)."),
                "region_unknown",
                {"code": region or "—"},
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    repository.lock_laborer(session, access, laborer.id)
    other = repository.overlapping(session, access, laborer.id, data.started_on, data.ended_on)
    if other is not None:
        raise ValidationFailed(errors=[_overlap_error(other)])
    placement = Placement(
        id=uuid.uuid4(),
        tenant_id=laborer.tenant_id,
        laborer_id=laborer.id,
        employer_id=data.employer_id,
        employer_tenant_id=employer_tenant_id,
        employer_name=name,
        vacancy_id=data.vacancy_id,
        referral_id=data.referral_id,
        region_code=region,
        city=city_name(region) or region,
        channel=data.channel,
        started_on=data.started_on,
        ended_on=data.ended_on,
        separation_reason=data.separation_reason,
        note=data.note,
        created_by=access.user_id,
    )
    repository.add(session, access, placement)
    audit.record(
        session,
        access,
        action="placement.create",
        entity_type="placement",
        entity_id=placement.id,
        after=_audited(placement),
        tenant_id=placement.tenant_id,
    )
    derived.refresh(session, access, laborer.tenant_id, [laborer.id])
    entitlements.refresh(session, access, laborer, today=today)
    publish(
        session,
        access,
        PlacementRecorded(placement.id, laborer.id, laborer.tenant_id, recorded_on=today),
    )
    return placement


def _audited(placement: Placement) -> dict[str, Any]:
    return {
        "laborer_id": str(placement.laborer_id),
        "employer": placement.employer_name,
        "region_code": placement.region_code,
        "channel": placement.channel.value,
        "started_on": placement.started_on.isoformat(),
        "ended_on": placement.ended_on.isoformat() if placement.ended_on else None,
        "separation_reason": placement.separation_reason.value
        if placement.separation_reason
        else None,
    }


def from_hire(
    session: Session, access: AccessContext, referral: Referral, hired_on: date
) -> Placement:
    """A hire in the referral pipeline starts the placement (organized transfer): the
    `LaborerHired` subscriber of api/placements/subscribers.py, in the hire's transaction."""
    vacancy = referral.vacancy
    laborer = referral.laborer
    repository.lock_laborer(session, access, laborer.id)
    other = repository.overlapping(session, access, laborer.id, hired_on, None)
    if other is not None:
        raise ValidationFailed(
            _("{name} is still placed at {employer} since {start}: end that placement first."),
            params={
                "name": laborer.name,
                "employer": other.employer_name,
                "start": other.started_on.isoformat(),
            },
            errors=[_overlap_error(other)],
        )
    channel = (
        PlacementChannel.WORKSHOP if vacancy.employer.is_workshop else PlacementChannel.ORGANIZED
    )
    placement = Placement(
        id=uuid.uuid4(),
        tenant_id=laborer.tenant_id,
        laborer_id=laborer.id,
        employer_id=vacancy.employer_id,
        employer_tenant_id=vacancy.tenant_id,
        employer_name=vacancy.employer.name,
        vacancy_id=vacancy.id,
        referral_id=referral.id,
        region_code=vacancy.region_code,
        city=vacancy.city,
        channel=channel,
        started_on=hired_on,
        created_by=access.user_id,
    )
    repository.add(session, access, placement)
    audit.record(
        session,
        access,
        action="placement.create",
        entity_type="placement",
        entity_id=placement.id,
        after={**_audited(placement), "referral_id": str(referral.id)},
        tenant_id=placement.tenant_id,
    )
    derived.refresh(session, access, laborer.tenant_id, [laborer.id])
    entitlements.refresh(session, access, laborer, today=hired_on)
    # The warnings re-judge the hire after the commit (api/warnings/subscribers.py).
    return placement


def get(session: Session, access: AccessContext, placement_id: uuid.UUID) -> Placement:
    placement = repository.get(session, access, placement_id)
    if placement is None:
        raise NotFound()
    return placement


def check_version(current: int, given: int) -> None:
    if current != given:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": current, "given": given},
            extra={"current_version": current},
        )


COUNTY_FIELDS = frozenset(
    {
        "employer_name",
        "region_code",
        "channel",
        "started_on",
        "ended_on",
        "separation_reason",
        "note",
    }
)
EMPLOYER_SIDE_FIELDS = frozenset({"ended_on", "separation_reason", "note"})


def update(
    session: Session,
    access: AccessContext,
    placement_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
    today: date | None = None,
) -> Placement:
    """The county changes any field; the employer's bureau records a separation."""
    today = today or clock.today()
    placement = get(session, access, placement_id)
    access.require(Permission.WRITE)
    county = access.can_write(DataKind.PLACEMENT, placement.tenant_id) and access.can_write(
        DataKind.LABORER, placement.tenant_id
    )
    employer_side = (
        access.tenant_kind is OrgKind.RECEIVING
        and placement.employer_tenant_id == access.tenant_id
        and access.can_write(DataKind.PLACEMENT, placement.tenant_id)
    )
    allowed = COUNTY_FIELDS if county else EMPLOYER_SIDE_FIELDS if employer_side else frozenset()
    if not allowed:
        raise Forbidden(detail=_("You may read this placement but not change it."))
    refused = sorted(set(changes) - allowed)
    if refused:
        raise Forbidden(
            detail=_("The employer's bureau records only the end of a placement and its reason.")
        )
    check_version(placement.version, version)
    before = _audited(placement)
    was_open = placement.ended_on is None
    started = changes.get("started_on", placement.started_on)
    ended = changes.get("ended_on", placement.ended_on)
    reason = changes.get("separation_reason", placement.separation_reason)
    if "ended_on" in changes and changes["ended_on"] is None and "separation_reason" not in changes:
        reason = None  # reopened: the reason for leaving goes with the end date
    errors = _dates(started, ended, reason, today)
    if "region_code" in changes:
        try:
            changes["region_code"] = validate_region_code(changes["region_code"] or "", known=True)
        except RegionCodeError:
            errors.append(
                FieldError(
                    "region_code",
                    _("{code} is not a known region code (GB/T 2260)."),
                    "region_unknown",
                    {"code": changes["region_code"] or "—"},
                )
            )
    if errors:
        raise ValidationFailed(errors=errors)
    repository.lock_laborer(session, access, placement.laborer_id)
    other = repository.overlapping(
        session, access, placement.laborer_id, started, ended, exclude=placement.id
    )
    if other is not None:
        raise ValidationFailed(errors=[_overlap_error(other)])
    for name, value in changes.items():
        setattr(placement, name, value)
    placement.separation_reason = reason
    if "region_code" in changes:
        placement.city = city_name(placement.region_code) or placement.region_code
    session.flush()
    after = _audited(placement)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit.record(
            session,
            access,
            action="placement.update",
            entity_type="placement",
            entity_id=placement.id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            tenant_id=placement.tenant_id,
        )
        derived.refresh(session, access, placement.tenant_id, [placement.laborer_id])
        entitlements.refresh(session, access, placement.laborer, today=today)
        publish(session, access, _change_of(placement, was_open, today))
    return placement


def _change_of(
    placement: Placement, was_open: bool, today: date
) -> PlacementEnded | PlacementChanged:
    """The fact an edit records: the laborer left the job, or the record changed."""
    ids = (placement.id, placement.laborer_id, placement.tenant_id)
    if was_open and placement.ended_on is not None:
        return PlacementEnded(*ids, ended_on=placement.ended_on, recorded_on=today)
    return PlacementChanged(*ids, recorded_on=today)
