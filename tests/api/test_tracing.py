"""OpenTelemetry tracing: off by default (no provider, no middleware); on, a request gives
a server span named by its route template with the database statements as child spans,
exported over OTLP/HTTP to a collector's port."""

import os
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from api import tracing
from api.app import create_app
from tests.fixtures.world import ApiUser

ROUTE = "GET /api/v1/laborers/{laborer_id}"


def _middleware_names(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.cls.__name__ for m in app.user_middleware]


def test_off_by_default_installs_nothing(world, monkeypatch):
    for name in tracing.OTLP_ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    app = world.app()
    assert not tracing.enabled(world.settings)
    assert not hasattr(app.state, "tracer_provider")
    assert not any("OpenTelemetry" in name for name in _middleware_names(app))
    # The standard endpoint variable alone switches it on.
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
    assert tracing.enabled(world.settings)


def test_a_request_gives_a_server_span_with_database_children(world):
    exporter = InMemorySpanExporter()
    app = create_app(world.settings, span_exporter=exporter)
    with TestClient(app, base_url="http://testserver") as client:
        user = ApiUser(client, "wushan.staff")
        exporter.clear()
        assert user.get(f"/api/v1/laborers/{uuid.uuid4()}").status_code == 404
    spans = exporter.get_finished_spans()
    # The sign-in's own server span may end after the clear (the middleware ends it once
    # the response has gone, which the client can see first): the read's is the one named
    # by its route, and its statements are those of its trace.
    [server] = [s for s in spans if s.kind == SpanKind.SERVER and s.name == ROUTE]
    assert server.attributes["http.route"] == "/api/v1/laborers/{laborer_id}"
    queries = [
        s
        for s in spans
        if s.kind == SpanKind.CLIENT
        and "db.system" in s.attributes
        and s.context.trace_id == server.context.trace_id
    ]
    assert queries, [s.name for s in spans]
    assert any(q.parent.span_id == server.context.span_id for q in queries)


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []  # noqa: RUF012 - one collector per test

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def collector():  # type: ignore[no-untyped-def]
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_spans_are_exported_over_otlp_http(world, collector, monkeypatch):
    host, port = collector.server_address
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://{host}:{port}")
    app = create_app(world.settings.model_copy(update={"otel_enabled": True}))
    with TestClient(app, base_url="http://testserver") as client:
        ApiUser(client, "wushan.staff").get(f"/api/v1/laborers/{uuid.uuid4()}")
    # Leaving the client ran the app's shutdown, which flushes the batch.
    paths = {path for path, _ in _Collector.received}
    assert paths == {"/v1/traces"}
    body = b"".join(data for _, data in _Collector.received)
    assert ROUTE.encode() in body


def test_off_the_sdk_is_not_even_imported(tmp_path):
    """Zero cost when off: a fresh process builds the app without loading the SDK or any
    instrumentation."""
    program = (
        "import sys\n"
        "from api.app import create_app\n"
        "from api.settings import Settings\n"
        f"create_app(Settings(data_dir={str(tmp_path)!r}))\n"
        "loaded = [m for m in sys.modules if m.startswith(('opentelemetry.sdk',"
        " 'opentelemetry.instrumentation'))]\n"
        "print(loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LB_", "OTEL_"))}
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
