"""Picker searches: /pick/<kind>?field=…&<field>__q=… answers the matching choices.

htmx asks for the partial (the `HX-Request` header) while the clerk types; a plain
request gets a small page of the same results, so the URL also works on its own."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Cipher, DbSession
from api.errors import NotFound
from api.pickers.service import Kind
from web.deps import TenantPage
from web.pickers import picker
from web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/pick/{kind}")
def pick(
    kind: str,
    request: Request,
    page: TenantPage,
    session: DbSession,
    cipher: Cipher,
    field: str = "q",
    multi: bool = False,
) -> Response:
    try:
        chosen_kind = Kind(kind)
    except ValueError:
        raise NotFound() from None
    name = field if field.isidentifier() and len(field) <= 40 else "q"
    params = request.query_params
    if f"{name}__q" not in params and "q" in params:  # /pick/laborer?q=… by hand
        params = {f"{name}__q": params["q"]}
    state = picker(session, page.ctx, cipher, chosen_kind, name, params, multi=multi)
    template = (
        "pickers/results.html"
        if request.headers.get("HX-Request") == "true"
        else ("pickers/page.html")
    )
    return render(request, template, {"p": state})
