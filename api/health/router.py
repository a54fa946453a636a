"""`/healthz` answers while the process runs; `/readyz` when the database answers too."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.errors import PROBLEM_MEDIA_TYPE, ServiceUnavailable
from api.routing import JsonRoute, problems

router = APIRouter(route_class=JsonRoute, tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None, responses=problems(503))
def readyz(request: Request) -> dict[str, str] | JSONResponse:
    try:
        request.app.state.db.ping()
    except SQLAlchemyError:
        problem = ServiceUnavailable(headers={"Retry-After": "5"})
        return JSONResponse(
            problem.render(instance="/readyz"),
            status_code=503,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=problem.headers,
        )
    return {"status": "ready", "database": "ok"}
