"""Excel downloads for signed-in pages: the same files as the JSON API's exports, with
the session cookie instead of a bearer token (the pages link here)."""

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import clock
from api.demand import exporter as demand_exporter
from api.demand.filters import Pool
from api.deps import Cipher, DbSession
from api.routing import streamed_xlsx
from api.supply import exporter as supply_exporter
from api.supply.filters import Filter
from api.supply.rosters import ROSTER_FILE_NAMES
from api.trainings import outcomes as course_outcomes
from web.deps import TenantPage

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, ascii_name: str, filename: str) -> Response:
    disposition = f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/laborers/export")
def export_roster(
    request: Request,
    page: TenantPage,
    session: DbSession,
    cipher: Cipher,
    f: Filter,
    reveal: bool = False,
) -> Response:
    access = page.ctx
    total = supply_exporter.start_download(session, access, f, reveal=reveal)
    name = f"{access.tenant_name}{ROSTER_FILE_NAMES[f.roster]}{clock.today():%Y%m%d}.xlsx"
    return streamed_xlsx(
        request,
        access,
        lambda reads: supply_exporter.roster_chunks(
            reads, access, cipher, f, reveal=reveal, total=total
        ),
        "laborers.xlsx",
        name,
    )


@router.get("/vacancies/export")
def export_pool(request: Request, page: TenantPage, f: Pool) -> Response:
    name = f"{demand_exporter.SHEET}{clock.today():%Y%m%d}.xlsx"
    return streamed_xlsx(
        request,
        page.ctx,
        lambda reads: demand_exporter.pool_chunks(reads, page.ctx, f),
        "vacancies.xlsx",
        name,
    )


@router.get("/trainings/{training_id}/subsidy-list")
def training_subsidy_list(training_id: uuid.UUID, page: TenantPage, session: DbSession) -> Response:
    data = course_outcomes.subsidy_list(session, page.ctx, training_id)
    return _xlsx(data, "training-subsidy.xlsx", "培训补贴名单.xlsx")
