"""create_app(): the composition root. Mounts the JSON API, the pages and static files."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import clock, problem_handlers, routing, text, tracing
from api.admission import Admission, request_limit
from api.audit import anchors
from api.audit.router import router as audit_router
from api.auth.router import router as auth_router
from api.auth.service import AuthService
from api.blobs import IMPORTS, JOBS, blobs
from api.calendar.router import router as calendar_router
from api.casework.router import router as casework_router
from api.casework.storage import attachment_store
from api.db import Database, UnsafeDatabaseRole, check_app_role
from api.demand.router import employers as employers_router
from api.demand.router import vacancies as vacancies_router
from api.events import wiring as events
from api.fairs.router import router as fairs_router
from api.health.router import router as health_router
from api.imports.storage import UploadStore
from api.jobs.files import JobFiles
from api.jobs.runner import Tools
from api.jobs.worker import Workers
from api.logging_setup import configure_logging
from api.matching.router import router as matching_router
from api.metrics import exporter
from api.metrics import pool as pool_metrics
from api.metrics.middleware import RequestMetrics
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.oversight.drilldown_router import router as drilldown_router
from api.oversight.reports_router import router as reports_router
from api.oversight.router import router as oversight_router
from api.placements.router import router as placements_router
from api.problems_router import router as problems_router
from api.referrals.router import router as referrals_router
from api.security.passwords import Passwords
from api.security.pii import PiiCipher
from api.settings import Settings, read_settings
from api.subsidies.router import router as subsidies_router
from api.supply.router import router as supply_router
from api.tenancy.router import router as tenancy_router
from api.timeline.router import router as timeline_router
from api.trainings.router import router as trainings_router
from api.warnings.router import router as warnings_router
from web.errors import render_error
from web.query import EmptyQueryMiddleware
from web.rendering import WEB_DIR
from web.routes import account as account_pages
from web.routes import admin as admin_pages
from web.routes import auth as auth_pages
from web.routes import calendar as calendar_pages
from web.routes import casework as casework_pages
from web.routes import claims as claim_pages
from web.routes import employers as employer_pages
from web.routes import exports as export_pages
from web.routes import fairs as fair_pages
from web.routes import handbook as handbook_pages
from web.routes import home as home_pages
from web.routes import jobs as job_pages
from web.routes import laborer_import as laborer_import_pages
from web.routes import laborers as laborer_pages
from web.routes import oidc as oidc_pages
from web.routes import oversight as oversight_pages
from web.routes import oversight_drilldown
from web.routes import oversight_reports as oversight_report_pages
from web.routes import pickers as picker_pages
from web.routes import referrals as referral_pages
from web.routes import stay as stay_pages
from web.routes import stay_boards as stay_board_pages
from web.routes import subsidy_policies as policy_pages
from web.routes import timeline as timeline_pages
from web.routes import training_roster as training_roster_pages
from web.routes import trainings as training_pages
from web.routes import vacancies as vacancy_pages
from web.routes import vacancy_import as vacancy_import_pages
from web.routes import warning_assign as warning_assign_pages
from web.routes import warnings as warning_pages

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

log = logging.getLogger(__name__)

API_ROUTERS = (
    health_router,
    problems_router,
    auth_router,
    tenancy_router,
    audit_router,
    supply_router,
    employers_router,
    vacancies_router,
    matching_router,
    referrals_router,
    placements_router,
    subsidies_router,
    fairs_router,
    trainings_router,
    casework_router,
    timeline_router,
    warnings_router,
    calendar_router,
    drilldown_router,
    oversight_router,
    reports_router,  # after oversight_router: /reports/monthly-dispatch first
)
PAGE_ROUTERS = (
    auth_pages.router,
    home_pages.router,
    job_pages.router,
    account_pages.router,
    admin_pages.router,
    oidc_pages.router,
    export_pages.router,  # before the pages whose /export would read as an id
    laborer_import_pages.router,  # before laborer_pages: /laborers/import is not an id
    laborer_pages.router,
    vacancy_import_pages.router,  # before vacancy_pages, likewise
    vacancy_pages.router,
    employer_pages.router,
    referral_pages.router,
    handbook_pages.router,
    stay_pages.router,
    stay_board_pages.router,
    claim_pages.router,
    policy_pages.router,
    fair_pages.router,
    training_pages.router,
    training_roster_pages.router,
    casework_pages.router,
    timeline_pages.router,
    calendar_pages.router,
    warning_pages.router,
    picker_pages.router,
    warning_assign_pages.router,
    oversight_pages.router,
    oversight_drilldown.router,
    oversight_report_pages.router,
)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    oidc_transport: httpx.AsyncBaseTransport | None = None,
    span_exporter: "SpanExporter | None" = None,
) -> FastAPI:
    """The app. `span_exporter` turns tracing on with that exporter instead of OTLP (a
    test hook: the SDK's InMemorySpanExporter)."""
    settings = settings or read_settings()
    configure_logging(settings.log_level, settings.log_json)
    clock.configure(settings.time_zone)
    events.wire()  # every domain's subscribers, before any request or job raises one
    db = database or Database(settings)
    pool_metrics.watch(db.engine)
    if settings.is_production:
        problems = check_app_role(db.engine)
        if problems:
            raise UnsafeDatabaseRole(
                "refusing to start: the database role could bypass row-level security ("
                + "; ".join(problems)
                + "); see docs/operations.md"
            )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Background work (imports, handbooks) runs in these threads, not in requests.
        workers = Workers(
            db,
            Tools(app.state.job_files, app.state.cipher, app.state.uploads),
            threads=settings.worker_threads,
            poll_seconds=settings.worker_poll_seconds,
            tracer_provider=getattr(app.state, "tracer_provider", None),
        )
        workers.start()
        # One process (`laborbridge serve`): metrics on their own port. Under gunicorn
        # the master serves them for every worker (api/metrics/gunicorn_hooks.py).
        metrics = (
            exporter.serve(settings)
            if settings.metrics_port and not exporter.multiprocess()
            else None
        )
        yield
        if metrics is not None:
            metrics.stop()
        workers.stop()
        tracing.shutdown(app)
        db.dispose()

    app = FastAPI(
        title="LaborBridge 劳务协作平台",
        version="0.1.0",
        description="East–West labor cooperation between paired HR bureaus.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # Query strings and forms of every route, API and pages (JSON bodies: api/schemas).
        dependencies=[Depends(text.refuse_control_characters)],
    )
    passwords = Passwords(settings)
    app.state.settings = settings
    app.state.db = db
    app.state.passwords = passwords
    app.state.auth = AuthService(settings, passwords)
    app.state.cipher = PiiCipher(settings)
    # On disk, or in the bucket when one is configured: any replica reads what another wrote.
    app.state.uploads = UploadStore(blobs(settings, IMPORTS), app.state.cipher)
    app.state.job_files = JobFiles(blobs(settings, JOBS), app.state.cipher)
    # Built once: an S3 client is costly to make and safe to share between threads.
    app.state.attachments = attachment_store(settings, app.state.cipher)
    # Where `audit anchor` writes and what verifies its signatures (GET /api/v1/audit/verify).
    app.state.audit_anchors = anchors.store(settings)
    app.state.audit_anchor_key = anchors.verifying_key(settings)
    app.state.web_error_renderer = render_error
    problem_handlers.install(app)

    for router in API_ROUTERS + PAGE_ROUTERS:
        app.include_router(router)
    routing.document(app)  # every status and media type each route answers
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    if settings.oidc_enabled:
        app.state.oauth = oidc_pages.build_oauth(settings, oidc_transport)
        # Authlib keeps the OAuth state and nonce here during the redirect round trip.
        app.add_middleware(
            SessionMiddleware,
            secret_key=settings.secret_key.get_secret_value(),
            session_cookie="lb_oidc",
            max_age=600,
            same_site="lax",
            https_only=settings.secure_cookies,
        )
    # Innermost, where the router has left the matched route in the request's scope.
    app.add_middleware(RequestMetrics)
    app.add_middleware(EmptyQueryMiddleware)  # a page's filter left at "—" means any
    app.add_middleware(
        BodyLimitMiddleware,
        json_limit=settings.max_json_bytes,
        upload_limit=settings.max_upload_bytes,
    )
    app.add_middleware(
        Admission,
        limit=request_limit(settings.db_pool_size, settings.worker_threads),
        wait_seconds=settings.db_pool_timeout_seconds,
    )
    # Inside the access log and the request id: a 500 is logged once, with its request id.
    app.add_middleware(problem_handlers.UnexpectedErrors)
    app.add_middleware(RequestContextMiddleware)
    # Outside the app's other middleware: the client address (what sign-in throttling
    # counts, what the log shows) is taken from X-Forwarded-For only when the connection
    # comes from LB_TRUSTED_PROXIES, walking the header right to left over trusted hops.
    # gunicorn's uvicorn workers apply the same list (deploy/gunicorn.conf.py); applying
    # it twice gives the same address.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    # Outermost, so the server span covers every middleware; no-op unless switched on.
    tracing.install(app, [db.engine], settings, span_exporter)
    return app
