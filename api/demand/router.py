"""JSON API of the demand pool: employers, vacancies, the vacancy list in and out."""

import io
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status

from api import clock
from api.demand import exporter, imports, pool_reads, service
from api.demand.filters import Pool, PoolPage
from api.demand.outputs import vacancy_out
from api.demand.records import EmployerRecord
from api.demand.schemas import (
    EmployerCreate,
    EmployerOut,
    EmployerPage,
    EmployerUpdate,
    VacancyCreate,
    VacancyOut,
    VacancyPageOut,
    VacancyUpdate,
)
from api.deps import Access, DbSession, Uploads
from api.errors import BadRequest, PayloadTooLarge
from api.i18n import _
from api.imports.schemas import ImportResult, rejected
from api.paging import Pager
from api.routing import JsonRoute, file_download, streamed_xlsx
from shared_models import Employer, ImportBatch

employers = APIRouter(prefix="/api/v1/employers", route_class=JsonRoute, tags=["demand"])
vacancies = APIRouter(prefix="/api/v1/vacancies", route_class=JsonRoute, tags=["demand"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_EMPTY = ("name", "credit_code", "industry", "region_code")


def employer_out(employer: Employer, open_vacancies: int | None = None) -> EmployerOut:
    out = EmployerOut.model_validate(employer)
    out.open_vacancies = open_vacancies
    return out


def _not_emptied(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    for name in names:
        if name in data and data[name] is None:
            raise BadRequest(_("{field} cannot be emptied."), params={"field": name})
    return data


# --- employers ---------------------------------------------------------------------------------


@employers.get("", response_model=EmployerPage)
def list_employers(
    access: Access,
    session: DbSession,
    paging: Pager,
    q: Annotated[str | None, Query(max_length=60, description="Name part or credit code")] = None,
    owner: uuid.UUID | None = None,
) -> EmployerPage:
    """Employers of the pool the caller sees, by name."""
    rows, total = service.list_employers(
        session, access, q=q, owner_id=owner, page=paging.page, page_size=paging.page_size
    )
    counts = service.open_vacancy_counts(session, access, rows)
    return EmployerPage(
        items=[employer_out(e, counts.get(e.id, 0)) for e in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@employers.post("", response_model=EmployerOut, status_code=status.HTTP_201_CREATED)
def create_employer(body: EmployerCreate, access: Access, session: DbSession) -> EmployerOut:
    """Register an employer; a credit code this bureau has already registered is a 409
    whose `existing_id` names that employer."""
    data = body.model_dump()
    data["region_code"] = body.region_code or access.tenant_region_code
    return employer_out(service.create_employer(session, access, EmployerRecord(**data)), 0)


@employers.get("/{employer_id}", response_model=EmployerOut)
def get_employer(employer_id: uuid.UUID, access: Access, session: DbSession) -> EmployerOut:
    employer = service.get_employer(session, access, employer_id)
    counts = service.open_vacancy_counts(session, access, [employer])
    return employer_out(employer, counts.get(employer.id, 0))


@employers.patch("/{employer_id}", response_model=EmployerOut)
def update_employer(
    employer_id: uuid.UUID, body: EmployerUpdate, access: Access, session: DbSession
) -> EmployerOut:
    changes = _not_emptied(body.model_dump(exclude_unset=True, exclude={"version"}), NOT_EMPTY)
    for name in [n for n, v in changes.items() if v is None and n.startswith(("is_", "offers_"))]:
        raise BadRequest(_("{field} cannot be emptied."), params={"field": name})
    employer = service.update_employer(session, access, employer_id, changes, version=body.version)
    return employer_out(employer)


# --- the pool ----------------------------------------------------------------------------------


@vacancies.get("", response_model=VacancyPageOut)
def list_vacancies(
    access: Access,
    session: DbSession,
    f: Pool,
    at: PoolPage,
) -> VacancyPageOut:
    """The shared demand pool: every vacancy posted by a tenant paired with the caller."""
    result = pool_reads.pool_page(session, access, f, at)
    return VacancyPageOut(
        items=[vacancy_out(v) for v in result.items],
        total=result.total,
        total_capped=result.total_capped,
        page=result.page,
        page_size=result.page_size,
        next_after=result.next_after,
    )


@vacancies.post("", response_model=VacancyOut, status_code=status.HTTP_201_CREATED)
def create_vacancy(body: VacancyCreate, access: Access, session: DbSession) -> VacancyOut:
    values = body.model_dump(exclude={"employer_id"})
    vacancy = service.create_vacancy(session, access, body.employer_id, values)
    return vacancy_out(vacancy)


def _xlsx(content: bytes, filename: str) -> Response:
    disposition = f"attachment; filename=vacancies.xlsx; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@vacancies.get("/export", **file_download(XLSX))
def export_vacancies(request: Request, access: Access, f: Pool) -> Response:
    """The filtered pool as a 岗位信息汇总表 that imports back unchanged. The file streams."""
    name = f"{exporter.SHEET}{clock.today():%Y%m%d}.xlsx"
    return streamed_xlsx(
        request,
        access,
        lambda reads: exporter.pool_chunks(reads, access, f),
        "vacancies.xlsx",
        name,
    )


@vacancies.get("/import/template", **file_download(XLSX))
def import_template() -> Response:
    buffer = io.BytesIO()
    exporter.write_template(buffer)
    return _xlsx(buffer.getvalue(), f"{exporter.SHEET}模板.xlsx")


def import_result(batch: ImportBatch) -> ImportResult:
    return ImportResult.from_batch(batch)


@vacancies.post("/import", response_model=ImportResult)
def import_vacancies(
    access: Access,
    session: DbSession,
    uploads: Uploads,
    file: Annotated[UploadFile, File(description=".xlsx or .csv in the template's format")],
    dry_run: Annotated[bool, Form()] = True,
) -> ImportResult:
    """Check a vacancy list and report every problem by row and column. With
    `dry_run=false` it is saved at once when every row is right (all rows or none)."""
    data = file.file.read(imports.MAX_BYTES + 1)
    if len(data) > imports.MAX_BYTES:
        raise PayloadTooLarge()
    batch, plan = imports.run(
        session, access, uploads, data, file.filename or "upload", dry_run=dry_run
    )
    if not plan.ok:
        raise rejected(batch)
    return import_result(batch)


@vacancies.get("/import/{import_id}", response_model=ImportResult)
def get_import(import_id: uuid.UUID, access: Access, session: DbSession) -> ImportResult:
    return import_result(imports.get_batch(session, access, import_id))


@vacancies.post("/import/{import_id}/commit", response_model=ImportResult)
def commit_import(
    import_id: uuid.UUID, access: Access, session: DbSession, uploads: Uploads
) -> ImportResult:
    batch, _plan = imports.commit(session, access, uploads, import_id)
    return import_result(batch)


# --- one vacancy -------------------------------------------------------------------------------


@vacancies.get("/{vacancy_id}", response_model=VacancyOut)
def get_vacancy(
    vacancy_id: uuid.UUID, access: Access, session: DbSession, response: Response
) -> VacancyOut:
    vacancy = service.get_vacancy(session, access, vacancy_id)
    response.headers["ETag"] = f'W/"{vacancy.version}"'
    return vacancy_out(vacancy)


@vacancies.patch("/{vacancy_id}", response_model=VacancyOut)
def update_vacancy(
    vacancy_id: uuid.UUID, body: VacancyUpdate, access: Access, session: DbSession
) -> VacancyOut:
    """Change the fields sent; `status` may be set to open or paused."""
    changes = _not_emptied(
        body.model_dump(exclude_unset=True, exclude={"version"}),
        (
            "title",
            "occupation_name",
            "headcount",
            "wage_min",
            "wage_max",
            "region_code",
            "threshold",
            "valid_from",
            "status",
            "offers_housing",
            "offers_meals",
            "offers_transport",
            "offers_insurance",
        ),
    )
    vacancy = service.update_vacancy(session, access, vacancy_id, changes, version=body.version)
    return vacancy_out(vacancy)
