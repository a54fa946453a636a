"""Errors on pages: sign-in redirects, rejected forms, and a readable error page."""

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.errors import AppError, CsrfFailed
from web import alerts
from web.deps import FormRejected, LoginRequired, login_url
from web.rendering import render


def render_error(request: Request, error: AppError) -> Response:
    if isinstance(error, FormRejected):
        return error.response  # type: ignore[return-value]  # FormRejected keeps a rendered page
    if error.status == 401:
        target = error.next_path if isinstance(error, LoginRequired) else login_url(request)
        if request.headers.get("HX-Request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    if (
        request.method == "POST"
        and error.status in (400, 409, 422)
        and request.headers.get("HX-Request") != "true"
        and (back := alerts.back_to_form(request)) is not None
    ):
        reasons = [str(e.render()["message"]) for e in error.errors]
        return alerts.redirect_with(request, back, " ".join([error.message(), *reasons]))
    response = render(
        request,
        "errors/problem.html",
        {"error": error, "message": error.message(), "is_csrf": isinstance(error, CsrfFailed)},
        status_code=error.status,
    )
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
