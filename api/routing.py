"""A route class that insists on JSON for JSON bodies (415 otherwise)."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.routing import APIRoute

from api.errors import UnsupportedMediaType
from api.i18n import _


def _expects_json(route: APIRoute) -> bool:
    body = route.body_field
    if body is None:
        return False
    # Form and file parameters are declared with params.Form / params.File.
    return not isinstance(body.field_info, params.Form | params.File)


class JsonRoute(APIRoute):
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
