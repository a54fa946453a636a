"""JSON API of the drill-down: a figure split by a dimension, and the records behind it
(ids and dates only: a person's details are read on the register's own routes)."""

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from api import clock
from api.deps import Access, ReadSession
from api.oversight import drilldown
from api.oversight.drilldown_params import Within
from api.paging import Page, Pager
from api.routing import JsonRoute
from api.schemas import Schema

router = APIRouter(prefix="/api/v1/statistics", route_class=JsonRoute, tags=["statistics"])

Dimension = Literal["township", "village", "district", "organization", "pairing"]


class PartOut(Schema):
    key: str = Field(description="The township or village, the district code, or an id")
    label: str = Field(description="What the key is called (a district's or an org's name)")
    count: int = Field(description="The indicator's count or sum (a rate's numerator)")


class RecordOut(Schema):
    kind: str = Field(description="laborers, placements, vacancies, fairs, claims, cases...")
    id: uuid.UUID
    laborer_id: uuid.UUID | None
    day: date | None
    amount: int | None = Field(description="What the record adds to a sum (yuan, positions)")
    tenant_id: uuid.UUID


@router.get("/breakdown", response_model=list[PartOut])
def breakdown(
    access: Access,
    session: ReadSession,
    indicator: str,
    by: Dimension,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    limits: Within,
) -> list[PartOut]:
    """The indicator over [from, to] split by township, village (within a township),
    district of work, organization or pairing, largest first."""
    parts = drilldown.split(
        session,
        access,
        indicator,
        start,
        end,
        by,
        today=clock.today(),
        within=limits,
    )
    return [PartOut(key=p.key, label=p.label, count=p.count) for p in parts]


@router.get("/records", response_model=Page[RecordOut])
def records(
    access: Access,
    session: ReadSession,
    pager: Pager,
    indicator: str,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    limits: Within,
) -> Page[RecordOut]:
    """The people or records the indicator counted over [from, to]: their total is the
    figure (for a sum, their amounts add up to it)."""
    found = drilldown.records(
        session,
        access,
        indicator,
        start,
        end,
        today=clock.today(),
        paging=pager,
        within=limits,
    )
    return Page[RecordOut](
        items=[
            RecordOut(
                kind=r.kind,
                id=r.id,
                laborer_id=r.laborer_id,
                day=r.day,
                amount=r.amount,
                tenant_id=r.tenant_id,
            )
            for r in found.rows
        ],
        total=found.total,
        page=pager.page,
        page_size=pager.page_size,
    )
