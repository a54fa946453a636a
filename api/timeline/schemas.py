"""Response body of a laborer's timeline."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.schemas import Schema
from api.timeline.service import EntryKind


class EntryOut(Schema):
    on: date = Field(description="The day it happened (Asia/Shanghai)")
    kind: EntryKind
    kind_label: str
    title: str
    detail: str | None
    by: str | None = Field(description="Who recorded it, where recorded")
    ref_type: str = Field(description="referral, fair, training, placement, claim, case, laborer")
    ref_id: uuid.UUID
    at: datetime | None


class TimelineOut(Schema):
    laborer_id: uuid.UUID
    name: str | None = Field(description="Masked for a receiving bureau; null if not known")
    masked: bool
    count: int
    entries: list[EntryOut] = Field(description="Newest first")
