"""What the early warnings do when other domains' events happen (registered by
`api.events.wiring`). Flags are derived and may lag a moment: each event's laborers are
re-judged after the commit, in a background job of its own, under the county's view,
as of the business day the event was recorded (`recorded_on`), as when this ran inside
the request: a flag a change closes is closed on that day, even if the worker was down
till the next. No request switches to the county's view for warnings."""

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.events.bus import Phase, Registry
from api.events.catalog import (
    CaseChanged,
    CaseClosed,
    CaseEvent,
    CaseOpened,
    LaborerHired,
    LeaveEnded,
    LeaveStarted,
    PlacementChanged,
    PlacementEnded,
    PlacementRecorded,
    VerificationsRecorded,
)
from api.warnings import rules
from shared_models.enums import CaseKind

# A placement's or a leave's laborer: one laborer, the event's own.
OneLaborer = (
    LaborerHired | PlacementRecorded | PlacementChanged | PlacementEnded | LeaveStarted | LeaveEnded
)


def rejudge_laborer(session: Session, access: AccessContext, event: OneLaborer) -> None:
    rules.refresh(session, access, event.county_id, [event.laborer_id], today=event.recorded_on)


def rejudge_verified(session: Session, access: AccessContext, event: VerificationsRecorded) -> None:
    rules.refresh(session, access, event.county_id, event.laborer_ids, today=event.recorded_on)


def rejudge_dispute(session: Session, access: AccessContext, event: CaseEvent) -> None:
    """A dispute's laborers, and everyone still placed with the employers it names (or
    named before the change): the employer's count of open disputes moved."""
    rules.refresh(
        session,
        access,
        event.county_id,
        event.laborer_ids,
        today=event.recorded_on,
        employer_ids=event.employer_ids,
    )


def is_dispute(event: CaseEvent) -> bool:
    """Only disputes drive warning rules: any other case queues nothing."""
    return event.kind == CaseKind.DISPUTE


def register(registry: Registry) -> None:
    after = Phase.AFTER_COMMIT
    registry.subscribe(LaborerHired, after, "warnings.rejudge_hired", rejudge_laborer)
    for event, name in (
        (PlacementRecorded, "warnings.rejudge_placement_recorded"),
        (PlacementChanged, "warnings.rejudge_placement_changed"),
        (PlacementEnded, "warnings.rejudge_placement_ended"),
        (LeaveStarted, "warnings.rejudge_leave_started"),
        (LeaveEnded, "warnings.rejudge_leave_ended"),
    ):
        registry.subscribe(event, after, name, rejudge_laborer)
    registry.subscribe(
        VerificationsRecorded, after, "warnings.rejudge_verifications", rejudge_verified
    )
    for case_event, name in (
        (CaseOpened, "warnings.rejudge_case_opened"),
        (CaseChanged, "warnings.rejudge_case_changed"),
        (CaseClosed, "warnings.rejudge_case_closed"),
    ):
        registry.subscribe(case_event, after, name, rejudge_dispute, when=is_dispute)
