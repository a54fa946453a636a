"""How API routes behave and what the OpenAPI document says they answer.

`JsonRoute` insists on JSON for JSON bodies (415 otherwise). `document(app)` declares,
by rule, every problem a route can answer (which statuses follow from what the route
takes: a token, a path id, a body, a database session), so the document stays true as
routes are added; downloads name their media types with `file_download(...)`.
"""

from collections.abc import Callable, Coroutine, Iterator
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response, params
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.db import Database
from api.deps import get_api_access, get_api_principal, get_db_session
from api.errors import PROBLEM_MEDIA_TYPE, UnsupportedMediaType
from api.i18n import _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = "text/calendar"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_BINARY = {"type": "string", "format": "binary"}

# What each status means for a client; the problem's `type` says which case it was.
_DESCRIPTIONS = {
    400: "Malformed JSON or an invalid X-Tenant-ID header",
    401: "No bearer token, or one that is invalid, expired or revoked",
    403: "Not allowed: role, permission, or not a member of the tenant",
    404: "No such record visible to the caller",
    409: "Conflicts with the current state (a step not possible, a stale version, a race)",
    413: "The request body is too large",
    415: "The body is not application/json",
    422: "Some fields are not valid; `errors` names each one",
    429: "Too many failed attempts",
    503: "The database is not reachable; retry later",
}


# The dependencies that authenticate a bearer token (the access context may come from
# the caller cache without resolving a principal).
AUTHENTICATED = {get_api_principal, get_api_access}


def problem(status: int, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description or _DESCRIPTIONS.get(status, "Problem"),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
    }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if status == 503:
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return response


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for statuses the rules below cannot see (a sign-in's 401 and 429)."""
    return {status: problem(status) for status in statuses}


def file_download(*media_types: str, description: str = "A file") -> dict[str, Any]:
    """Route keywords for a file download: its media types instead of JSON."""
    content = {media_type: {"schema": _BINARY} for media_type in media_types}
    return {
        "response_class": Response,
        "responses": {200: {"description": description, "content": content}},
    }


def xlsx_attachment(content: bytes, ascii_name: str, filename: str) -> Response:
    """An xlsx download: an ASCII name for old clients, the real (Chinese) one as
    RFC 5987 `filename*`."""
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": _disposition(ascii_name, filename)},
    )


def streamed_xlsx(
    request: Request,
    access: AccessContext,
    chunks_of: Callable[[Session], Iterator[bytes]],
    ascii_name: str,
    filename: str,
) -> StreamingResponse:
    """An xlsx download that streams: the file's bytes leave as its rows are read.

    The request's own transaction commits when the handler returns, before the first
    byte is sent (what must be decided or recorded, the permission and an audit entry,
    is done there). The rows are read after that, so the stream owns a transaction of
    its own: read-only (on the replica when there is one), under the same access
    context (row security applies as in the request), opened when the first chunk is
    asked for and closed, rolled back, when the last is sent or the client goes away
    (the generator is closed). Each of its reads is one statement on a server-side
    cursor, so the file is one consistent snapshot whatever its size."""
    database: Database = request.app.state.db

    def body() -> Iterator[bytes]:
        with database.transaction(access, read_only=True) as session:
            yield from chunks_of(session)

    disposition = _disposition(ascii_name, filename)
    return StreamingResponse(body(), media_type=XLSX, headers={"Content-Disposition": disposition})


def validated_json(model: BaseModel, status_code: int = 200) -> Response:
    """A route's answer that is already its response model, validated where it was built:
    serialized as FastAPI would (by alias, to JSON bytes), without validating it a second
    time (a thread hop for a sync route, and a walk over every row). The route keeps its
    `response_model=` for the OpenAPI document."""
    body = model.__pydantic_serializer__.to_json(model, by_alias=True)
    return Response(body, status_code=status_code, media_type="application/json")


def _disposition(ascii_name: str, filename: str) -> str:
    return f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"


def _expects_json(route: APIRoute) -> bool:
    body = route.body_field
    if body is None:
        return False
    # Form and file parameters are declared with params.Form / params.File.
    return not isinstance(body.field_info, params.Form | params.File)


class JsonRoute(APIRoute):
    """Every API route: declares its problems; refuses non-JSON bodies where JSON is due."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _declare(self)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not _expects_json(self):
            return handler

        async def checked(request: Request) -> Response:
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            has_body = (
                request.headers.get("content-length", "0") != "0"
                or "transfer-encoding" in request.headers
            )
            if has_body and not (
                content_type == "application/json" or content_type.endswith("+json")
            ):
                raise UnsupportedMediaType(_("Send the body as application/json."))
            return await handler(request)

        return checked


def _walk(dependant: Dependant) -> list[Dependant]:
    """The route's dependant and every sub-dependency, depth first."""
    found = [dependant]
    for sub in dependant.dependencies:
        found.extend(_walk(sub))
    return found


def _statuses(route: APIRoute) -> set[int]:
    """The problems a route can answer, from what it takes."""
    every = _walk(route.dependant)
    calls = {d.call for d in every}
    path_params = any(d.path_params for d in every)
    if path_params or route.body_field or any(d.query_params or d.header_params for d in every):
        out = {422}
    else:
        out = set()
    if path_params:
        out.add(404)  # a path names a record; an unknown or malformed one is not found
    if route.body_field is not None:
        out |= {400, 404}  # malformed JSON; a body names other records
    if _expects_json(route):
        out.add(415)
    methods = route.methods or set()  # an APIRoute always has its methods; typed Optional
    if methods & WRITES:
        out.add(413)  # the body limit applies to any body, declared or not
    if calls & AUTHENTICATED:
        # X-Tenant-ID header; token; role or membership; a record (in the path, body or
        # query) or a feature the caller's kind of organization does not see
        out |= {400, 401, 403, 404}
        if methods & WRITES:
            out.add(409)
    if get_db_session in calls:
        out.add(503)
    return out


def _declare(route: APIRoute) -> None:
    """Add the route's problems (and its bearer scheme) to what it declares."""
    declared = dict(route.responses)
    for status in sorted(_statuses(route)):
        declared.setdefault(status, problem(status))
    route.responses = declared
    if {d.call for d in _walk(route.dependant)} & AUTHENTICATED:
        route.openapi_extra = {"security": [{"bearer": []}], **(route.openapi_extra or {})}


def document(app: FastAPI) -> None:
    """The problem schema and the bearer scheme the routes' declarations refer to."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = _problem_schema()
        components.setdefault("securitySchemes", {})["bearer"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/v1/auth/token or a personal token",
        }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to replace the schema


def _problem_schema() -> dict[str, Any]:
    field_error = {
        "type": "object",
        "required": ["field", "code", "message"],
        "properties": {
            "field": {"type": "string"},
            "code": {"type": "string"},
            "message": {"type": "string"},
            "row": {"type": "integer"},
            "column": {"type": "string"},
        },
    }
    return {
        "type": "object",
        "description": "RFC 9457 problem details; `title` and messages follow Accept-Language",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "request_id": {"type": "string"},
            "errors": {"type": "array", "items": field_error},
        },
        "additionalProperties": True,
    }
