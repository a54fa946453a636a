"""What placements do when other domains' events happen (registered by
`api.events.wiring`)."""

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.errors import NotFound
from api.events.bus import Phase, Registry
from api.events.catalog import LaborerHired
from api.placements import service
from api.referrals import repository as referrals_repository


def start_placement(session: Session, access: AccessContext, event: LaborerHired) -> None:
    """The hire's placement, in the hire's transaction: a laborer still in another job
    refuses the hire itself."""
    referral = referrals_repository.get(session, access, event.referral_id)
    if referral is None:  # the raiser has just written it under the same context
        raise NotFound()
    service.from_hire(session, access, referral, event.hired_on)


def register(registry: Registry) -> None:
    registry.subscribe(
        LaborerHired, Phase.IN_TRANSACTION, "placements.start_placement", start_placement
    )
