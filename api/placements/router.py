"""JSON API of placements, stay verification and holiday leave."""

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status

from api import clock
from api.access import AccessContext, DataKind
from api.deps import Access, Cipher, DbSession
from api.errors import BadRequest, ImportRejected, PayloadTooLarge
from api.i18n import _
from api.paging import Pager
from api.placements import (
    holiday_leave,
    reads,
    service,
    verification,
    verification_import,
)
from api.placements.schemas import (
    LeaveIn,
    LeaveOut,
    PlacementCreate,
    PlacementOut,
    PlacementPage,
    PlacementUpdate,
    ReturnBoardOut,
    ReturnIn,
    VerificationImportOut,
    VerificationIn,
    VerificationOut,
)
from api.routing import JsonRoute
from api.security.masking import mask_name
from shared_models import Placement
from shared_models.enums import EvidenceSource

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["placements"])
MAX_LIST_BYTES = 20 * 1024 * 1024


def placement_out(
    placement: Placement, access: AccessContext, *, full: bool = True
) -> PlacementOut:
    # The employer's bureau reads the laborer only as placed with it: masked.
    name = placement.laborer.name
    if not access.can_read(DataKind.LABORER, placement.tenant_id):
        name = mask_name(name)
    out = PlacementOut.model_validate(
        {
            **{
                c: getattr(placement, c)
                for c in PlacementOut.model_fields
                if c not in ("laborer_name", "verifications", "leaves")
            },
            "laborer_name": name,
        }
    )
    if full:
        out.verifications = [VerificationOut.model_validate(v) for v in placement.verifications]
        out.leaves = [LeaveOut.model_validate(v) for v in placement.leaves]
    return out


@router.get("/placements", response_model=PlacementPage)
def list_placements(
    access: Access,
    session: DbSession,
    paging: Pager,
    laborer_id: uuid.UUID | None = None,
    open_only: bool = False,
) -> PlacementPage:
    rows, total = reads.listing(
        session,
        access,
        laborer_id=laborer_id,
        open_only=open_only,
        offset=paging.offset,
        limit=paging.limit,
    )
    return PlacementPage(
        items=[placement_out(p, access, full=False) for p in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.post("/placements", response_model=PlacementOut, status_code=status.HTTP_201_CREATED)
def create_placement(body: PlacementCreate, access: Access, session: DbSession) -> PlacementOut:
    """A spell of employment. Overlapping another spell of the laborer is a 422 naming it."""
    placement = service.create(session, access, service.PlacementInput(**body.model_dump()))
    return placement_out(service.get(session, access, placement.id), access)


@router.get("/placements/{placement_id}", response_model=PlacementOut)
def get_placement(placement_id: uuid.UUID, access: Access, session: DbSession) -> PlacementOut:
    return placement_out(service.get(session, access, placement_id), access)


@router.patch("/placements/{placement_id}", response_model=PlacementOut)
def update_placement(
    placement_id: uuid.UUID, body: PlacementUpdate, access: Access, session: DbSession
) -> PlacementOut:
    """The county changes the fields sent; the employer's bureau records `ended_on`,
    `separation_reason` and `note` (a separation)."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("channel", "started_on", "employer_name", "region_code"):
        if name in changes and changes[name] is None:
            raise BadRequest(_("{field} cannot be emptied."), params={"field": name})
    service.update(session, access, placement_id, changes, version=body.version)
    return placement_out(service.get(session, access, placement_id), access)


@router.get("/placements/{placement_id}/verifications", response_model=list[VerificationOut])
def list_verifications(
    placement_id: uuid.UUID, access: Access, session: DbSession
) -> list[VerificationOut]:
    placement = service.get(session, access, placement_id)
    return [VerificationOut.model_validate(v) for v in placement.verifications]


@router.post(
    "/placements/{placement_id}/verifications",
    response_model=VerificationOut,
    status_code=status.HTTP_201_CREATED,
)
def add_verification(
    placement_id: uuid.UUID, body: VerificationIn, access: Access, session: DbSession
) -> VerificationOut:
    """One month in post or not (`month` as YYYY-MM); a second record for the same month
    replaces the first."""
    row = verification.verify(
        session,
        access,
        placement_id,
        month=body.month,
        in_post=body.in_post,
        source=body.source,
        note=body.note,
    )
    return VerificationOut.model_validate(row)


@router.post("/verifications/import", response_model=VerificationImportOut)
def import_verifications(
    access: Access,
    session: DbSession,
    cipher: Cipher,
    file: Annotated[UploadFile, File(description="身份证号码, 姓名, 核实月份, 是否在岗")],
    source: Annotated[EvidenceSource, Form()],
    month: Annotated[str | None, Form(description="YYYY-MM, when the file has no month")] = None,
    dry_run: Annotated[bool, Form()] = True,
) -> VerificationImportOut:
    """Verify many workers from a monthly list, matched by ID number. Rows in error stop
    the file (422, nothing saved); unmatched rows are listed; with `dry_run=false` the
    matched rows are saved together."""
    data = file.file.read(MAX_LIST_BYTES + 1)
    if len(data) > MAX_LIST_BYTES:
        raise PayloadTooLarge()
    given_month = None
    if month:
        try:
            given_month = date.fromisoformat(month.strip()[:7] + "-01")
        except ValueError:
            raise BadRequest(_("Give the month as YYYY-MM.")) from None
    outcome = verification_import.run(
        session,
        access,
        cipher,
        data,
        file.filename or "upload",
        source=source,
        month=given_month,
        dry_run=dry_run,
    )
    if outcome.errors:
        raise ImportRejected(
            errors=outcome.errors[: verification_import.MAX_REPORTED],
            extra={
                "rows": outcome.rows,
                "unmatched": outcome.unmatched[: verification_import.MAX_REPORTED],
                "saved": False,
            },
        )
    return VerificationImportOut(
        rows=outcome.rows,
        applied=len(outcome.matched) if outcome.saved else 0,
        unmatched=outcome.unmatched[: verification_import.MAX_REPORTED],
        errors=[],
        saved=outcome.saved,
    )


@router.post(
    "/placements/{placement_id}/leaves",
    response_model=LeaveOut,
    status_code=status.HTTP_201_CREATED,
)
def start_leave(
    placement_id: uuid.UUID, body: LeaveIn, access: Access, session: DbSession
) -> LeaveOut:
    """Going home for the holiday (返乡): on leave, not separated."""
    leave = holiday_leave.start_leave(session, access, placement_id, **body.model_dump())
    return LeaveOut.model_validate(leave)


@router.post("/leaves/{leave_id}/return", response_model=LeaveOut)
def record_return(
    leave_id: uuid.UUID, body: ReturnIn, access: Access, session: DbSession
) -> LeaveOut:
    leave = holiday_leave.record_return(
        session,
        access,
        leave_id,
        returned_on=body.returned_on,
        version=body.version,
        trip=body.trip,
    )
    return LeaveOut.model_validate(leave)


@router.get("/leaves", response_model=ReturnBoardOut)
def return_board(
    access: Access,
    session: DbSession,
    since: Annotated[
        date | None,
        Query(description="Show as back those returned since this day (default: 60 days ago)"),
    ] = None,
) -> ReturnBoardOut:
    """The return board (返岗): who is away, who is back, who is overdue. Everyone away
    or overdue is listed however long ago they left; `since` limits only the back."""
    board = holiday_leave.return_board(
        session, access, since=since or clock.today() - timedelta(days=60)
    )
    return ReturnBoardOut(
        away=[LeaveOut.model_validate(v) for v in board.away],
        overdue=[LeaveOut.model_validate(v) for v in board.overdue],
        back=[LeaveOut.model_validate(v) for v in board.back],
    )
