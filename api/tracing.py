"""OpenTelemetry tracing, off unless asked for (docs/operations.md, "Tracing").

On when LB_OTEL_ENABLED=true or the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Then every request gets a server span named
by its route template (`GET /api/v1/laborers/{laborer_id}`) and every statement on the
app's engines a child span, exported over OTLP/HTTP; the exporter reads the standard
OTEL_* variables (endpoint, headers, timeout) itself. When off, nothing of the SDK is
imported and no middleware or engine hook is added.

The provider is the app's own (app.state.tracer_provider), not the process-wide global:
two apps in one process (the tests) each keep theirs.
"""

import os
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
    if not enabled(settings) and exporter is None:
        return None
    # Imported here: when tracing is off the SDK costs nothing, not even its import.
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
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
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)
    for engine in engines:
        _trace_engine(engine, provider)
    app.state.tracer_provider = provider
    return provider


def _trace_engine(engine: Engine, provider: Any) -> None:
    # The instrumentor's own instrument() also patches create_engine process-wide, once;
    # its EngineTracer hooks exactly this engine with this provider.
    from opentelemetry.instrumentation.sqlalchemy import __version__
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
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
