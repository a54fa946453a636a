"""No page handler runs blocking work on the event loop (issue 12, "Long work in the background").

A page handler that touches the database is a plain `def`, which FastAPI runs in its thread
pool; one written `async def` would run its sync SQLAlchemy calls on the event loop and stall
every other request. Handlers that need the posted form take `form: PostedForm` (read on the
loop by a dependency) instead of awaiting `request.form()`.
"""

import inspect
from collections.abc import Iterator

from fastapi.routing import APIRoute

from api.app import PAGE_ROUTERS

# Page routes allowed to be coroutines, each with its reason.
ALLOWED_ASYNC = {
    # Awaits the OIDC provider over HTTP (Authlib's async client): the redirect to sign in.
    "web.routes.oidc.oidc_login",
    # Awaits the token exchange with the provider; its database work goes through
    # run_in_threadpool, so nothing blocking runs on the loop.
    "web.routes.oidc.oidc_callback",
}


def _name(route: APIRoute) -> str:
    return f"{route.endpoint.__module__}.{route.endpoint.__qualname__}"


def _api_routes(routes) -> Iterator[APIRoute]:  # type: ignore[no-untyped-def]
    """The app's routes, into included routers too (FastAPI keeps those as one entry each)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def _page_routes(app) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    return [
        route for route in _api_routes(app.routes) if route.endpoint.__module__.startswith("web.")
    ]


def test_page_handlers_are_plain_functions(world):
    routes = _page_routes(world.app())
    # Every page router's routes are in the app, so the walk below sees them all.
    expected = {
        _name(route)
        for router in PAGE_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
    }
    assert expected and expected <= {_name(route) for route in routes}

    coroutines = {
        f"{sorted(route.methods)} {route.path} -> {_name(route)}"
        for route in routes
        if inspect.iscoroutinefunction(route.endpoint) and _name(route) not in ALLOWED_ASYNC
    }
    assert not coroutines, (
        "page handlers written `async def` run their blocking work on the event loop; "
        "make them plain `def` (take `form: PostedForm` for the posted form):\n"
        + "\n".join(sorted(coroutines))
    )


def test_allow_list_is_current(world):
    """An allowed name that is no longer an async page route is dropped from the list."""
    async_routes = {
        _name(route)
        for route in _page_routes(world.app())
        if inspect.iscoroutinefunction(route.endpoint)
    }
    assert async_routes >= ALLOWED_ASYNC
