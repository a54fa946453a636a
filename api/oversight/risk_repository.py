"""Who is at risk before a milestone: people in post, with an early-warning flag still
open, whose placement is short of a stay milestone (the early-warning analysis)."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.subsidies.stay import add_months
from shared_models import Laborer, Placement, WarningFlag
from shared_models.enums import WarningRule, WarningStatus


@dataclass(frozen=True)
class OpenFlagInPost:
    laborer_id: uuid.UUID
    name: str
    township: str
    rule: WarningRule
    started_on: date


def open_flags_in_post(
    session: Session, access: AccessContext, today: date, longest_months: int
) -> list[OpenFlagInPost]:
    """Open (or acknowledged) flags of people in a placement that began within the last
    `longest_months` months and has not ended: those with a milestone still ahead."""
    county = access.read_ids(DataKind.WARNING) & access.read_ids(DataKind.PLACEMENT)
    rows = session.execute(
        select(Laborer.id, Laborer.name, Laborer.township, WarningFlag.rule, Placement.started_on)
        .select_from(WarningFlag)
        .join(Laborer, Laborer.id == WarningFlag.laborer_id)
        .join(Placement, Placement.laborer_id == WarningFlag.laborer_id)
        .where(
            WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING)),
            WarningFlag.status != WarningStatus.CLOSED,
            Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            Placement.tenant_id.in_(county),
            Placement.ended_on.is_(None),
            Placement.started_on <= today,
            Placement.started_on > add_months(today, -longest_months),
        )
    ).all()
    return [OpenFlagInPost(*row) for row in rows]
