"""OpenTelemetry tracing, off unless asked for (docs/operations.md, "Tracing").

On when LB_OTEL_ENABLED=true or the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Then every request gets a server span named
by its route template (`GET /api/v1/laborers/{laborer_id}`) and every statement on the
app's engines a child span, exported over OTLP/HTTP; the exporter reads the standard
OTEL_* variables (endpoint, headers, timeout) itself. When off, nothing of the SDK is
imported and no middleware or engine hook is added.

The provider is the app's own (app.state.tracer_provider), not the process-wide global:
two apps in one process (the tests) each keep theirs.

The `laborbridge` command is traced the same way: each command one root span named after
it (`laborbridge subsidies evaluate`) with the statements of the engines it makes as
children, flushed when the command ends (`command_span`). Background jobs, in the web
app's worker threads or `laborbridge worker`, get a span each named by their kind
(`job import.check`, `job_span`); the worker's polling for work is not traced.
"""

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlalchemy import Engine

from api.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

OTLP_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
# Probes and scrapes every few seconds would drown the traces that matter.
EXCLUDED_URLS = "/healthz,/readyz,/metrics,/static"


def enabled(settings: Settings) -> bool:
    return settings.otel_enabled or any(os.environ.get(name) for name in OTLP_ENDPOINT_VARIABLES)


def install(
    app: FastAPI,
    engines: list[Engine],
    settings: Settings,
    exporter: "SpanExporter | None" = None,
) -> "TracerProvider | None":
    """Instrument the app and its engines when tracing is on. `exporter` replaces OTLP
    (the tests pass the SDK's InMemorySpanExporter) and exports each span as it ends."""
    provider = make_provider(settings, exporter)
    if provider is None:
        return None
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)
    for engine in engines:
        trace_engine(engine, provider)
    app.state.tracer_provider = provider
    return provider


def make_provider(
    settings: Settings, exporter: "SpanExporter | None" = None
) -> "TracerProvider | None":
    """A provider exporting over OTLP (or to `exporter`), or None when tracing is off."""
    if not enabled(settings) and exporter is None:
        return None
    # Imported here: when tracing is off the SDK costs nothing, not even its import.
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "laborbridge")})
    provider = TracerProvider(resource=resource)
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def trace_engine(engine: Engine, provider: Any) -> None:
    # The instrumentor's own instrument() also patches create_engine process-wide, once;
    # its EngineTracer hooks exactly this engine with this provider.
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.instrumentation.sqlalchemy.version import __version__
    from opentelemetry.metrics import get_meter

    name = "opentelemetry.instrumentation.sqlalchemy"
    connections = get_meter(name, __version__).create_up_down_counter(
        "db.client.connections.usage", unit="connections"
    )
    EngineTracer(provider.get_tracer(name, __version__), engine, connections)


def shutdown(app: FastAPI) -> None:
    """Flush what the batch processor still holds (at the app's shutdown)."""
    provider = getattr(app.state, "tracer_provider", None)
    if provider is not None:
        provider.shutdown()


# --- the command and the worker ------------------------------------------------------

# Replaces OTLP for commands and `laborbridge worker` (a test hook: the SDK's
# InMemorySpanExporter), as create_app's `span_exporter` does for the app.
process_exporter: "SpanExporter | None" = None
# The running command's provider: engines made while it runs are traced with it.
_command_provider: Any = None


def process_provider(settings: Settings) -> "TracerProvider | None":
    return make_provider(settings, process_exporter)


def engine_made(engine: Engine) -> None:
    """Called for every Database's engines: traced when a command span is open."""
    if _command_provider is not None:
        trace_engine(engine, _command_provider)


@contextmanager
def command_span(name: str, settings: Settings | None) -> Iterator[None]:
    """The command as a root span; its spans are flushed when it ends (the process is
    about to). No settings (they do not load: the command will say why) means no trace."""
    global _command_provider
    provider = process_provider(settings) if settings is not None else None
    if provider is None:
        yield
        return
    import click
    from opentelemetry.trace import SpanKind, Status, StatusCode

    tracer = provider.get_tracer("laborbridge.cli")
    _command_provider = provider
    try:
        with tracer.start_as_current_span(
            name,
            kind=SpanKind.INTERNAL,
            attributes={"laborbridge.command": name},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield
            except click.exceptions.Exit as exc:
                # typer.Exit(0) is a normal end; another code is the command's failure.
                if exc.exit_code:
                    span.set_status(Status(StatusCode.ERROR, f"exit {exc.exit_code}"))
                raise
            except BaseException as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
    finally:
        _command_provider = None
        provider.shutdown()


def job_span(provider: Any, kind: str, job_id: object) -> AbstractContextManager[Any]:
    """One background job's span, its statements as children; nothing when off."""
    if provider is None:
        return nullcontext()
    span: AbstractContextManager[Any] = provider.get_tracer(
        "laborbridge.jobs"
    ).start_as_current_span(
        f"job {kind}", attributes={"laborbridge.job.kind": kind, "laborbridge.job.id": str(job_id)}
    )
    return span


def untraced(provider: Any) -> AbstractContextManager[Any]:
    """Statements not worth a trace (the worker's polling, once a second per thread)."""
    if provider is None:
        return nullcontext()
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    return suppress_instrumentation()
