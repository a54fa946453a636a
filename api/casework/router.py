"""JSON API of liaison-office casework: cases, notes, attachments, figures."""

import io
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status

from api import clock
from api.casework import figures, notes, reads, service
from api.casework.downloads import XLSX, download, get_attachment_store
from api.casework.schemas import (
    AttachmentOut,
    CaseCreate,
    CaseOut,
    CasePage,
    CaseUpdate,
    FiguresReport,
    NoteIn,
    NoteOut,
)
from api.casework.storage import ALLOWED, AttachmentStore
from api.deps import Access, DbSession
from api.paging import Pager, Sorting, sorting
from api.routing import JsonRoute, file_download
from api.security.masking import mask_name
from api.sort_keys import CaseSort
from shared_models import Case
from shared_models.enums import CaseKind, CaseStatus, DisputeKind

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["casework"])
Attachments = Annotated[AttachmentStore, Depends(get_attachment_store)]


def case_out(access: Access, case: Case) -> CaseOut:
    """The full case for the office and its county; for the employer's bureau the
    dispute itself with the laborers' names masked and nothing else about them."""
    full = service.full_view(access, case)
    values = {
        name: getattr(case, name)
        for name in CaseOut.model_fields
        if name not in ("laborers", "masked")
    }
    laborers = [
        {
            "laborer_id": lab.laborer_id if full else None,
            "name": lab.name if full else mask_name(lab.name),
        }
        for lab in case.laborers
    ]
    if not full:
        values.update(summary=None, place=None, details={})
    return CaseOut.model_validate({**values, "laborers": laborers, "masked": not full})


@router.get("/cases", response_model=CasePage)
def list_cases(
    access: Access,
    session: DbSession,
    paging: Pager,
    sort: Annotated[Sorting[CaseSort], Depends(sorting(CaseSort))],
    kind: CaseKind | None = None,
    status: CaseStatus | None = None,
    dispute_kind: DisputeKind | None = None,
    laborer_id: uuid.UUID | None = None,
    employer_id: uuid.UUID | None = None,
) -> CasePage:
    f = reads.CaseFilter(
        kind=kind,
        status=status,
        dispute_kind=dispute_kind,
        laborer_id=laborer_id,
        employer_id=employer_id,
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
    return CasePage(
        items=[case_out(access, c) for c in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.post("/cases", response_model=CaseOut, status_code=status.HTTP_201_CREATED)
def create_case(body: CaseCreate, access: Access, session: DbSession) -> CaseOut:
    """Opened by a liaison office about laborers of its county."""
    case = service.create(session, access, service.CaseInput(**body.model_dump()))
    return case_out(access, service.get(session, access, case.id))


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: uuid.UUID, access: Access, session: DbSession) -> CaseOut:
    return case_out(access, service.get(session, access, case_id))


@router.patch("/cases/{case_id}", response_model=CaseOut)
def update_case(
    case_id: uuid.UUID, body: CaseUpdate, access: Access, session: DbSession
) -> CaseOut:
    """Changes the fields sent; `status` steps open → in_progress → resolved / referred /
    closed (409 for a step that is not possible)."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    case = service.update(session, access, case_id, changes, version=body.version)
    return case_out(access, case)


@router.get("/cases/{case_id}/notes", response_model=list[NoteOut])
def list_notes(case_id: uuid.UUID, access: Access, session: DbSession) -> list[NoteOut]:
    case = service.get_full(session, access, case_id)
    return [NoteOut.model_validate(n) for n in case.notes]


@router.post("/cases/{case_id}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED)
def add_note(case_id: uuid.UUID, body: NoteIn, access: Access, session: DbSession) -> NoteOut:
    note = notes.add_note(session, access, case_id, **body.model_dump())
    return NoteOut.model_validate(note)


@router.get("/cases/{case_id}/attachments", response_model=list[AttachmentOut])
def list_attachments(case_id: uuid.UUID, access: Access, session: DbSession) -> list[AttachmentOut]:
    case = service.get_full(session, access, case_id)
    return [AttachmentOut.model_validate(a) for a in reads.attachments(session, access, case)]


@router.post(
    "/cases/{case_id}/attachments",
    response_model=AttachmentOut,
    status_code=status.HTTP_201_CREATED,
)
def add_attachment(
    case_id: uuid.UUID,
    request: Request,
    access: Access,
    session: DbSession,
    store: Attachments,
    file: Annotated[UploadFile | None, File(description="JPEG, PNG, WebP or PDF")] = None,
    note_id: Annotated[uuid.UUID | None, Form()] = None,
) -> AttachmentOut:
    """A photo or scanned document, checked by its content, not its name. (The file is
    optional in the signature so that a case the caller cannot see is a 404 first.)"""
    limit = request.app.state.settings.max_attachment_bytes
    data = file.file.read(limit + 1) if file is not None else b""
    row = notes.add_attachment(
        session,
        access,
        store,
        case_id,
        data=data,
        filename=file.filename if file is not None else None,
        limit=limit,
        note_id=note_id,
    )
    return AttachmentOut.model_validate(row)


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    **file_download(*ALLOWED, description="The file, as it was checked on upload"),
)
def get_attachment(
    case_id: uuid.UUID,
    attachment_id: uuid.UUID,
    access: Access,
    session: DbSession,
    store: Attachments,
) -> Response:
    row = notes.attachment(session, access, case_id, attachment_id)
    return download(store, row)


@router.get("/casework/figures", response_model=FiguresReport)
def get_figures(
    access: Access,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> FiguresReport:
    """Visits, people helped, hardship aid paid, disputes by kind, money involved and
    recovered: per month of the year (or the one month), with the total."""
    report = figures.compute(session, access, year or clock.today().year, month)
    return FiguresReport.model_validate(report)


@router.get(
    "/casework/figures/export",
    **file_download(XLSX),
)
def export_figures(
    access: Access,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> Response:
    report = figures.compute(session, access, year or clock.today().year, month)
    buffer = io.BytesIO()
    figures.write_xlsx(report, buffer, access.tenant_name)
    name = f"劳务协作工作统计{report.year}{f'-{month:02d}' if month else ''}.xlsx"
    disposition = f"attachment; filename=figures.xlsx; filename*=UTF-8''{quote(name)}"
    return Response(
        buffer.getvalue(), media_type=XLSX, headers={"Content-Disposition": disposition}
    )
