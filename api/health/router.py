"""`/healthz` answers while the process runs; `/readyz` when the database and the object
store (when one is configured) answer too, each within LB_PROBE_TIMEOUT_SECONDS."""

import logging
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.errors import PROBLEM_MEDIA_TYPE, ServiceUnavailable
from api.i18n import _
from api.routing import JsonRoute, problems

log = logging.getLogger(__name__)
router = APIRouter(route_class=JsonRoute, tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None, responses=problems(503))
def readyz(request: Request) -> dict[str, str] | JSONResponse:
    checks = {"database": _check(request.app.state.db.ping)}
    probe = getattr(request.app.state.attachments, "probe", None)
    checks["object_store"] = _check(probe) if probe is not None else "not configured"
    failed = [name for name, outcome in checks.items() if outcome == "failed"]
    if not failed:
        return {"status": "ready", **checks}
    problem = ServiceUnavailable(
        _("Not answering: {failed}."),
        params={"failed": ", ".join(failed)},
        headers={"Retry-After": "5"},
        extra={"checks": checks},
    )
    return JSONResponse(
        problem.render(instance="/readyz"),
        status_code=503,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def _check(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as exc:  # any failure means "not ready"; the probe bounds the wait
        log.warning("readiness check failed: %s: %s", exc.__class__.__name__, exc)
        return "failed"
    return "ok"
