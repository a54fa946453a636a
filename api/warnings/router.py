"""JSON API of early warning (预警): flags, their handling, the county's thresholds."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import Access, DbSession
from api.paging import Pager, Sorting, sorting
from api.routing import JsonRoute
from api.schemas import VersionIn
from api.sort_keys import WarningSort
from api.warnings import reads, service
from api.warnings.schemas import (
    AssignIn,
    CloseIn,
    ThresholdsIn,
    ThresholdsOut,
    VisitIn,
    VisitOut,
    WarningOut,
    WarningPage,
)
from shared_models import WarningFlag
from shared_models.enums import WarningRule, WarningSeverity, WarningStatus

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["warnings"])


def warning_out(flag: WarningFlag, name: str) -> WarningOut:
    values = {n: getattr(flag, n) for n in WarningOut.model_fields if n != "laborer_name"}
    return WarningOut.model_validate({**values, "laborer_name": name})


def _one(session: DbSession, access: Access, flag: WarningFlag) -> WarningOut:
    return warning_out(flag, reads.laborer_name(session, access, flag) or "")


@router.get("/warnings/settings", response_model=ThresholdsOut)
def get_thresholds(access: Access, session: DbSession) -> ThresholdsOut:
    """The county's thresholds (defaults until it sets its own)."""
    county, values = service.thresholds(session, access)
    return ThresholdsOut(tenant_id=county, **values)


@router.put("/warnings/settings", response_model=ThresholdsOut)
def put_thresholds(body: ThresholdsIn, access: Access, session: DbSession) -> ThresholdsOut:
    """Set by the county; the fields left out keep their value."""
    county, values = service.set_thresholds(session, access, body.model_dump(exclude_none=True))
    return ThresholdsOut(tenant_id=county, **values)


@router.get("/warnings", response_model=WarningPage)
def list_warnings(
    access: Access,
    session: DbSession,
    paging: Pager,
    sort: Annotated[Sorting[WarningSort], Depends(sorting(WarningSort))],
    status: WarningStatus | None = None,
    open: bool = Query(False, description="Open or acknowledged only"),
    rule: WarningRule | None = None,
    severity: WarningSeverity | None = None,
    laborer_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
) -> WarningPage:
    """Most severe first, then the oldest cause."""
    f = reads.WarningFilter(
        status=status,
        open_only=open,
        rule=rule,
        severity=severity,
        laborer_id=laborer_id,
        assignee_id=assignee_id,
    )
    rows, total = reads.listing(
        session,
        access,
        f,
        offset=paging.offset,
        limit=paging.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    return WarningPage(
        items=[warning_out(flag, name) for flag, name in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get("/warnings/{warning_id}", response_model=WarningOut)
def get_warning(warning_id: uuid.UUID, access: Access, session: DbSession) -> WarningOut:
    return _one(session, access, service.get(session, access, warning_id))


@router.post("/warnings/{warning_id}/acknowledge", response_model=WarningOut)
def acknowledge(
    warning_id: uuid.UUID, body: VersionIn, access: Access, session: DbSession
) -> WarningOut:
    flag = service.acknowledge(session, access, warning_id, version=body.version)
    return _one(session, access, flag)


@router.post("/warnings/{warning_id}/assign", response_model=WarningOut)
def assign(warning_id: uuid.UUID, body: AssignIn, access: Access, session: DbSession) -> WarningOut:
    flag = service.assign(session, access, warning_id, version=body.version, user_id=body.user_id)
    return _one(session, access, flag)


@router.post("/warnings/{warning_id}/close", response_model=WarningOut)
def close(warning_id: uuid.UUID, body: CloseIn, access: Access, session: DbSession) -> WarningOut:
    """By hand, with a note; the same cause is not raised again while it lasts."""
    flag = service.close(session, access, warning_id, version=body.version, note=body.note)
    return _one(session, access, flag)


@router.post(
    "/warnings/{warning_id}/visit", response_model=VisitOut, status_code=status.HTTP_201_CREATED
)
def log_visit(warning_id: uuid.UUID, body: VisitIn, access: Access, session: DbSession) -> VisitOut:
    """Log a welfare visit for the flagged laborer (a case of the office), which answers
    the flag."""
    flag, case = service.log_visit(
        session,
        access,
        warning_id,
        version=body.version,
        occurred_on=body.occurred_on,
        summary=body.summary,
        place=body.place,
    )
    return VisitOut(warning=_one(session, access, flag), case_id=case.id)
