"""JSON API of the laborer registry: rosters, records, surveys, reveal, Excel in and out."""

import io
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, Response, UploadFile, status

from api import clock
from api.deps import Access, AppSettings, Cipher, DbSession, Uploads
from api.errors import PayloadTooLarge
from api.imports.schemas import ImportResult, rejected
from api.paging import Pager
from api.routing import JsonRoute, file_download, streamed_xlsx, validated_json
from api.supply import exporter, imports, listing, service
from api.supply.filters import Filter
from api.supply.mapping import changes_from_update, record_from_create
from api.supply.rosters import ROSTER_FILE_NAMES, Roster
from api.supply.schemas import (
    LaborerCreate,
    LaborerOut,
    LaborerPage,
    LaborerUpdate,
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


# LaborerOut's fields that are not a laborers column of the same name.
_COMPUTED = frozenset(
    {
        "id_number",
        "phone",
        "age",
        "preferred_cities",
        "preferred_industries",
        "certificates",
        "skills",
        "training_needs",
        "possible_duplicate",
        "derived_tags",
    }
)
_STORED = tuple(name for name in LaborerOut.model_fields if name not in _COMPUTED)
# What the roster list reads of each laborer: the stored fields and the masked copies.
_LIST_COLUMNS = (*_STORED, "id_number_masked", "phone_masked")


def _out_values(
    values: Mapping[Any, Any],
    lists: Mapping[str, tuple[Any, ...]],
    tags: Iterable[Any],
    possible_duplicate: bool,
    today: date,
) -> dict[str, Any]:
    """LaborerOut's input from a laborer's columns (an object's attributes or a row) and
    tags (objects or rows)."""
    return {
        **{name: values[name] for name in _STORED},
        "id_number": values["id_number_masked"],
        "phone": values["phone_masked"],
        "age": _age(values["birth_date"], today),
        "preferred_cities": list(lists["preferred_cities"]),
        "preferred_industries": list(lists["preferred_industries"]),
        "certificates": list(lists["certificates"]),
        "skills": [{"name": o.name, "code": o.code} for o in lists["skills"]],
        "training_needs": [{"name": o.name, "code": o.code} for o in lists["training_needs"]],
        "possible_duplicate": possible_duplicate,
        "derived_tags": [
            {
                "kind": t.kind,
                "value": t.value,
                "source": t.source,
                "source_id": t.source_id,
                "as_of": t.as_of,
            }
            for t in tags
            if t.source is not StateSource.RECORD
        ],
    }


def laborer_out(view: service.LaborerView) -> LaborerOut:
    lab = view.laborer
    values = {name: getattr(lab, name) for name in _LIST_COLUMNS}
    return LaborerOut.model_validate(
        _out_values(values, view.lists, lab.tags, view.possible_duplicate, clock.today())
    )


@router.get("", response_model=LaborerPage)
def list_laborers(
    access: Access,
    session: DbSession,
    paging: Pager,
    f: Filter,
    settings: AppSettings,
) -> Response:
    """A roster (花名册) page: filters, search, sorting, pagination. `total` is exact up to
    `LB_LIST_COUNT_CAP` (10,000); beyond it, `total_capped` is true."""
    result = listing.list_rows(
        session,
        access,
        f,
        columns=_LIST_COLUMNS,
        page=paging.page,
        page_size=paging.page_size,
        count_cap=settings.list_count_cap,
    )
    today = clock.today()
    page = LaborerPage.model_validate(
        {
            "items": [
                _out_values(row.values, row.lists, row.tags, row.possible_duplicate, today)
                for row in result.items
            ],
            "total": result.total,
            "total_capped": result.total_capped,
            "page": result.page,
            "page_size": result.page_size,
        }
    )
    return validated_json(page)


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
