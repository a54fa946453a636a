"""JSON API of a laborer's timeline."""

import uuid

from fastapi import APIRouter, Response

from api.deps import Access, DbSession
from api.routing import JsonRoute, validated_json
from api.timeline import service
from api.timeline.schemas import EntryOut, TimelineOut

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["timeline"])


def timeline_out(found: service.Timeline) -> TimelineOut:
    return TimelineOut(
        laborer_id=found.laborer_id,
        name=found.name,
        masked=found.masked,
        count=len(found.entries),
        entries=[
            EntryOut(
                on=e.on,
                kind=e.kind,
                kind_label=service.kind_label(e.kind),
                title=e.title,
                detail=e.detail,
                by=e.by,
                ref_type=e.ref_type,
                ref_id=e.ref_id,
                at=e.at,
            )
            for e in found.entries
        ],
    )


@router.get("/laborers/{laborer_id}/timeline", response_model=TimelineOut)
def laborer_timeline(laborer_id: uuid.UUID, access: Access, session: DbSession) -> Response:
    """Everything recorded about one laborer, newest first. The county and its liaison
    offices see it all; a receiving bureau only what concerns its employers, masked."""
    return validated_json(timeline_out(service.timeline(session, access, laborer_id)))
