"""What the early warnings do when other domains' events happen (registered by
`api.events.wiring`). Flags are derived and may lag a moment: they are re-judged after
the commit, in a background job of their own, under the county's view."""

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.events.bus import Phase, Registry
from api.events.catalog import LaborerHired
from api.warnings import rules


def rejudge_hired(session: Session, access: AccessContext, event: LaborerHired) -> None:
    # As of the day the hire was recorded, as when this ran inside the request: a flag
    # the hire closes is closed on that day, even if the worker was down till the next.
    rules.refresh(session, access, event.county_id, [event.laborer_id], today=event.recorded_on)


def register(registry: Registry) -> None:
    registry.subscribe(LaborerHired, Phase.AFTER_COMMIT, "warnings.rejudge_hired", rejudge_hired)
