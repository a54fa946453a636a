"""No page handler runs blocking work on the event loop (issue 12, "Long work in the background").

A page handler that touches the database is a plain `def`, which FastAPI runs in its thread
pool; one written `async def` would run its sync SQLAlchemy calls on the event loop and stall
every other request. Handlers that need the posted form take `form: PostedForm` (read on the
loop by a dependency) instead of awaiting `request.form()`.

The same holds for dependencies, and the few coroutines allowed (handlers and dependencies
alike) are also checked at run time: no SQL statement is executed on the event loop's
thread while they serve a request (`no_statements_on_the_loop`).
"""

import asyncio
import inspect
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import Engine, event

from api.app import PAGE_ROUTERS
from tests.web.helpers import sign_in

# Page routes allowed to be coroutines, each with its reason.
ALLOWED_ASYNC = {
    # Awaits the OIDC provider over HTTP (Authlib's async client): the redirect to sign in.
    "web.routes.oidc.oidc_login",
    # Awaits the token exchange with the provider; its database work goes through
    # run_in_threadpool, so nothing blocking runs on the loop.
    "web.routes.oidc.oidc_callback",
}

# Dependencies of page routes allowed to be coroutines, each with its reason.
ALLOWED_ASYNC_DEPENDENCIES = {
    # The app-wide check of query strings and forms: awaits the form, touches no database.
    "api.text.refuse_control_characters",
    # Await the posted form for the CSRF token; the page they check was loaded by the
    # plain-def load_page (thread pool), and the comparison touches no database.
    "web.deps.check_csrf",
    "web.deps.check_csrf_signed_in",
    "web.deps.check_csrf_access",
    # Awaits the posted form so that handlers can stay plain `def`.
    "web.deps.read_form",
    # Sets a context variable, which must happen on the loop to reach the handler's
    # thread (a variable set in a thread-pool dependency would not); no database.
    "web.routes.jobs.reads_only",
    # Read app.state, or parse the query string: no database, and a thread-pool hop each
    # cost more than the work (docs/performance.md, "The JSON API's Python").
    "api.deps.get_auth",
    "api.deps.get_settings",
    "api.deps.cipher_dependency",
    "api.paging.paging.<locals>.dependency",
    "api.paging.sorting.<locals>.dependency",
    "api.supply.filters.roster_filter",
}


@contextmanager
def no_statements_on_the_loop(engine: Engine) -> Iterator[list[str]]:
    """Records every statement the engine executes on a thread running an event loop;
    asserts at the end that there were none."""
    on_loop: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a thread-pool thread: where blocking work belongs
        on_loop.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield on_loop
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert not on_loop, "SQL executed on the event loop:\n" + "\n".join(on_loop)


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


def _call_name(call) -> str:  # type: ignore[no-untyped-def]
    return f"{call.__module__}.{call.__qualname__}"


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependencies(sub)


def test_page_dependencies_are_plain_functions(world):
    """An `async def` dependency runs on the loop as surely as an async handler."""
    coroutines = {
        f"{route.path} <- {_call_name(dep.call)}"
        for route in _page_routes(world.app())
        for dep in _dependencies(route.dependant)
        if dep.call is not None
        and inspect.iscoroutinefunction(dep.call)
        and _call_name(dep.call) not in ALLOWED_ASYNC_DEPENDENCIES
    }
    assert not coroutines, "async dependencies of page routes:\n" + "\n".join(sorted(coroutines))


def test_the_jobs_page_reads_off_the_loop(world):
    """/jobs/… has the async `reads_only` beside DbSession and the page's own loading."""
    client = world.client()
    assert sign_in(client, "wushan.staff").status_code == 303
    with no_statements_on_the_loop(client.app.state.db.engine):
        assert client.get(f"/jobs/{uuid.uuid4()}").status_code == 404


def test_pages_with_the_loop_side_dependencies_read_off_the_loop(world):
    """The request's transaction opens on the loop (no I/O) and ends in the thread pool;
    the paging, sorting and roster-filter dependencies only parse: no statement of these
    pages runs on the loop's thread."""
    pages = {
        "wushan.staff": ("/laborers?skill=焊工&page=1&sort=age", "/calendar"),
        "wushan.yantai.staff": ("/cases", "/cases/new"),  # the liaison office's
    }
    for username, paths in pages.items():
        client = world.client()
        assert sign_in(client, username).status_code == 303
        with no_statements_on_the_loop(client.app.state.db.engine):
            for path in paths:
                assert client.get(path).status_code == 200, path
