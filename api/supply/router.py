"""JSON API of the laborer registry: rosters, records, surveys, reveal, Excel in and out."""

import io
import uuid
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, Response, UploadFile, status

from api import clock
from api.deps import Access, AppSettings, Cipher, DbSession, Uploads
from api.errors import PayloadTooLarge
from api.imports.schemas import ImportResult, rejected
from api.paging import Pager
from api.routing import JsonRoute, file_download, streamed_xlsx
from api.supply import exporter, imports, service
from api.supply.filters import Filter
from api.supply.mapping import changes_from_update, record_from_create
from api.supply.rosters import ROSTER_FILE_NAMES, Roster
from api.supply.schemas import (
    DerivedTagOut,
    LaborerCreate,
    LaborerOut,
    LaborerPage,
    LaborerUpdate,
    OccupationIO,
    RevealOut,
    SurveyIn,
    SurveyOut,
)
from shared_models import ImportBatch
from shared_models.enums import StateSource

router = APIRouter(prefix="/api/v1/laborers", route_class=JsonRoute, tags=["laborers"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def laborer_out(view: service.LaborerView) -> LaborerOut:
    lab, lists = view.laborer, view.lists
    return LaborerOut.model_validate(
        {
            **{c: getattr(lab, c) for c in LaborerOut.model_fields if hasattr(lab, c)},
            "id_number": lab.id_number_masked,
            "phone": lab.phone_masked,
            "age": _age(lab.birth_date, clock.today()),
            "preferred_cities": list(lists["preferred_cities"]),
            "preferred_industries": list(lists["preferred_industries"]),
            "certificates": list(lists["certificates"]),
            "skills": [OccupationIO(name=o.name, code=o.code) for o in lists["skills"]],
            "training_needs": [
                OccupationIO(name=o.name, code=o.code) for o in lists["training_needs"]
            ],
            "possible_duplicate": view.possible_duplicate,
            "derived_tags": [
                DerivedTagOut.model_validate(t, from_attributes=True)
                for t in lab.tags
                if t.source is not StateSource.RECORD
            ],
        }
    )


# --- rosters and records -------------------------------------------------------------------


@router.get("", response_model=LaborerPage)
def list_laborers(
    access: Access,
    session: DbSession,
    paging: Pager,
    f: Filter,
    settings: AppSettings,
) -> LaborerPage:
    """A roster (花名册) page: filters, search, sorting, pagination. `total` is exact up to
    `LB_LIST_COUNT_CAP` (10,000); beyond it, `total_capped` is true."""
    cap = settings.list_count_cap
    result = service.list_page(
        session, access, f, page=paging.page, page_size=paging.page_size, count_cap=cap
    )
    return LaborerPage(
        items=[laborer_out(v) for v in result.items],
        total=result.total,
        total_capped=result.total_capped,
        page=result.page,
        page_size=result.page_size,
    )


@router.get("/rosters", response_model=dict[Roster, int])
def roster_counts(access: Access, session: DbSession) -> dict[Roster, int]:
    """How many laborers each roster holds: exact counts, which take a second or more on
    a register of a million (the roster page's tabs stop counting at the cap instead)."""
    return service.roster_counts(session, access)


@router.post("", response_model=LaborerOut, status_code=status.HTTP_201_CREATED)
def create_laborer(
    body: LaborerCreate, access: Access, session: DbSession, cipher: Cipher
) -> LaborerOut:
    record = record_from_create(body, access.tenant_region_code)
    laborer = service.create(session, access, cipher, record, recorded_by=access.user_id)
    return laborer_out(service.get(session, access, laborer.id))


# --- Excel ----------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> Response:
    disposition = f"attachment; filename=laborers.xlsx; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/import/template", **file_download(XLSX))
def import_template() -> Response:
    """The ledger template: Chinese headers, drop-down lists, and a sheet of instructions."""
    buffer = io.BytesIO()
    exporter.write_template(buffer)
    return _xlsx(buffer.getvalue(), "劳动力台账模板.xlsx")


def import_result(batch: ImportBatch) -> ImportResult:
    return ImportResult.from_batch(batch)


@router.post("/import", response_model=ImportResult)
def import_ledger(
    access: Access,
    session: DbSession,
    cipher: Cipher,
    uploads: Uploads,
    file: Annotated[UploadFile, File(description=".xlsx or .csv in the template's format")],
    dry_run: Annotated[bool, Form()] = True,
) -> ImportResult:
    """Check a ledger and report every problem by row and column. With `dry_run=false`
    it is saved at once when every row is right (all rows or none)."""
    data = file.file.read(imports.MAX_BYTES + 1)
    if len(data) > imports.MAX_BYTES:
        raise PayloadTooLarge()
    batch, plan = imports.run(
        session, access, cipher, uploads, data, file.filename or "upload", dry_run=dry_run
    )
    if not plan.ok:
        raise rejected(batch)
    return import_result(batch)


@router.get("/import/{import_id}", response_model=ImportResult)
def get_import(import_id: uuid.UUID, access: Access, session: DbSession) -> ImportResult:
    return import_result(imports.get_batch(session, access, import_id))


@router.post("/import/{import_id}/commit", response_model=ImportResult)
def commit_import(
    import_id: uuid.UUID, access: Access, session: DbSession, cipher: Cipher, uploads: Uploads
) -> ImportResult:
    """Save a previewed ledger: all rows or none."""
    batch, _plan = imports.commit(session, access, cipher, uploads, import_id)
    return import_result(batch)


@router.get("/export", **file_download(XLSX))
def export_roster(
    request: Request,
    access: Access,
    session: DbSession,
    cipher: Cipher,
    f: Filter,
    reveal: bool = False,
) -> Response:
    """A roster as an .xlsx ledger that re-imports unchanged. ID and phone numbers are
    masked unless `reveal=true` (needs pii.reveal; audited). The file streams."""
    total = exporter.start_download(session, access, f, reveal=reveal)
    name = f"{access.tenant_name}{ROSTER_FILE_NAMES[f.roster]}{clock.today():%Y%m%d}.xlsx"
    return streamed_xlsx(
        request,
        access,
        lambda reads: exporter.roster_chunks(reads, access, cipher, f, reveal=reveal, total=total),
        "laborers.xlsx",
        name,
    )


# --- one laborer -------------------------------------------------------------------------------


@router.get("/{laborer_id}", response_model=LaborerOut)
def get_laborer(
    laborer_id: uuid.UUID, access: Access, session: DbSession, response: Response
) -> LaborerOut:
    view = service.get(session, access, laborer_id)
    response.headers["ETag"] = f'W/"{view.laborer.version}"'
    return laborer_out(view)


@router.patch("/{laborer_id}", response_model=LaborerOut)
def update_laborer(
    laborer_id: uuid.UUID,
    body: LaborerUpdate,
    access: Access,
    session: DbSession,
    cipher: Cipher,
    response: Response,
) -> LaborerOut:
    """Change the fields sent. A stale `version` (someone saved first) answers 409."""
    view = service.update(
        session, access, cipher, laborer_id, changes_from_update(body), version=body.version
    )
    response.headers["ETag"] = f'W/"{view.laborer.version}"'
    return laborer_out(view)


@router.get("/{laborer_id}/surveys", response_model=list[SurveyOut])
def list_surveys(laborer_id: uuid.UUID, access: Access, session: DbSession) -> list[SurveyOut]:
    """Survey history, newest first."""
    return [SurveyOut.model_validate(s) for s in service.surveys(session, access, laborer_id)]


@router.post("/{laborer_id}/surveys", response_model=SurveyOut, status_code=201)
def add_survey(
    laborer_id: uuid.UUID, body: SurveyIn, access: Access, session: DbSession
) -> SurveyOut:
    """Record a door-to-door survey; the latest becomes the laborer's current 五清."""
    values = body.model_dump(exclude={"surveyed_on", "surveyor", "note"})
    survey = service.add_survey(
        session,
        access,
        laborer_id,
        surveyed_on=body.surveyed_on,
        surveyor=body.surveyor,
        note=body.note,
        values=values,
    )
    return SurveyOut.model_validate(survey)


@router.post("/{laborer_id}/reveal", response_model=RevealOut)
def reveal(laborer_id: uuid.UUID, access: Access, session: DbSession, cipher: Cipher) -> RevealOut:
    """The full ID and phone number (pii.reveal); every reveal is audited."""
    return RevealOut.model_validate(service.reveal(session, access, cipher, laborer_id))
