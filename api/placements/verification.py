"""Stay verification (在岗核实): one month of a placement in post or not, from a visit,
the employer, payroll or the social-insurance list. A later record for a month replaces
the earlier one; each refreshes the laborer's entitlements and raises
`VerificationsRecorded` (the warnings follow after the commit). A batch (the sheet, a
monthly list) saves its rows without it, then calls `batch_recorded` once: one event per
county for the whole batch, never one per row."""

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.errors import FieldError, ValidationFailed
from api.events.bus import publish
from api.events.catalog import VerificationsRecorded
from api.i18n import _
from api.placements import repository
from api.placements.service import get, require_county
from api.subsidies import entitlements
from api.supply import repository as supply_repository
from shared_models import StayVerification
from shared_models.enums import EvidenceSource


def month_start(value: date) -> date:
    return value.replace(day=1)


def verify(
    session: Session,
    access: AccessContext,
    placement_id: uuid.UUID,
    *,
    month: date,
    in_post: bool,
    source: EvidenceSource,
    note: str | None = None,
    today: date | None = None,
    refresh: bool = True,
) -> StayVerification:
    """Record one month in post (or not); a later record for the month replaces it."""
    today = today or clock.today()
    placement = get(session, access, placement_id)
    require_county(access, placement.tenant_id)
    month = month_start(month)
    last = month_start(placement.ended_on) if placement.ended_on else month_start(today)
    if month < month_start(placement.started_on) or month > last:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "month",
                    _("Give a month from {start} to {end}: the months of this placement so far."),
                    "month_outside",
                    {"start": f"{placement.started_on:%Y-%m}", "end": f"{last:%Y-%m}"},
                )
            ]
        )
    row = repository.verification(session, access, placement, month)
    before = None
    if row is None:
        row = StayVerification(
            id=uuid.uuid4(),
            tenant_id=placement.tenant_id,
            placement_id=placement.id,
            laborer_id=placement.laborer_id,
            month=month,
            in_post=in_post,
            source=source,
            recorded_by_tenant=access.tenant_id,
            recorded_by_label=access.recorded_as,
        )
        session.add(row)
    else:
        before = {"in_post": row.in_post, "source": row.source.value}
    row.in_post, row.source, row.note = in_post, source, note
    row.recorded_by, row.recorded_by_label = access.user_id, access.recorded_as
    row.recorded_by_tenant = access.tenant_id
    session.flush()
    audit.record(
        session,
        access,
        action="placement.verify",
        entity_type="placement",
        entity_id=placement.id,
        before=before,
        after={"month": f"{month:%Y-%m}", "in_post": in_post, "source": source.value},
        tenant_id=placement.tenant_id,
    )
    if refresh:
        entitlements.refresh(session, access, placement.laborer, today=today)
        event = VerificationsRecorded(placement.tenant_id, (placement.laborer_id,), today)
        publish(session, access, event)
    return row


CHUNK = 1000  # laborers read per statement after a large list


def batch_recorded(
    session: Session, access: AccessContext, laborer_ids: Iterable[uuid.UUID], *, today: date
) -> None:
    """After a batch of `verify(..., refresh=False)`: each laborer's entitlements, and
    one `VerificationsRecorded` per county naming the batch's laborers."""
    ids = list(dict.fromkeys(laborer_ids))
    counties: dict[uuid.UUID, uuid.UUID] = {}
    for start in range(0, len(ids), CHUNK):
        for laborer in supply_repository.by_ids(session, access, ids[start : start + CHUNK]):
            entitlements.refresh(session, access, laborer, today=today)
            counties[laborer.id] = laborer.tenant_id
    by_county: dict[uuid.UUID, list[uuid.UUID]] = {}
    for laborer_id in ids:
        if laborer_id in counties:
            by_county.setdefault(counties[laborer_id], []).append(laborer_id)
    for county_id, county_ids in by_county.items():
        publish(session, access, VerificationsRecorded(county_id, tuple(county_ids), today))
