"""Tracing beyond the web app (api/tracing.py): each `laborbridge` command a root span
named after it, with its statements as children; each background job a span named by its
kind. Spans are picked by name and trace, never by position."""

import time

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from api import tracing
from api.app import create_app
from tests.api.test_jobs import _queue, setup  # noqa: F401  (the fixture)
from tests.fixtures.world import ORG_KEYS


@pytest.fixture
def spans(monkeypatch):  # type: ignore[no-untyped-def]
    exporter = InMemorySpanExporter()
    monkeypatch.setattr(tracing, "process_exporter", exporter)
    return exporter


def _statements(all_spans, root):  # type: ignore[no-untyped-def]
    return [
        s
        for s in all_spans
        if "db.system" in s.attributes and s.context.trace_id == root.context.trace_id
    ]


def test_a_command_is_a_root_span_with_its_statements(cli, spans):
    result = cli("audit", "verify", "--org", ORG_KEYS["wushan"])
    assert result.exit_code == 0, result.output
    finished = spans.get_finished_spans()
    [root] = [s for s in finished if s.name == "laborbridge audit verify"]
    assert root.parent is None
    assert root.attributes["laborbridge.command"] == "laborbridge audit verify"
    assert root.status.status_code != StatusCode.ERROR
    statements = _statements(finished, root)
    assert statements, [s.name for s in finished]
    assert any(s.parent.span_id == root.context.span_id for s in statements)


def test_a_failed_command_is_an_error_span(cli, spans):
    result = cli("audit", "verify", "--org", "没有这个单位")
    assert result.exit_code == 1
    [root] = [s for s in spans.get_finished_spans() if s.name == "laborbridge audit verify"]
    assert root.status.status_code == StatusCode.ERROR


def test_nested_command_names(cli, spans):
    assert (
        cli("subsidies", "evaluate", "--org", ORG_KEYS["wushan"], "--workers", "1").exit_code == 0
    )
    names = {s.name for s in spans.get_finished_spans() if s.parent is None}
    assert "laborbridge subsidies evaluate" in names


def test_off_a_command_exports_nothing(cli):
    assert tracing.process_exporter is None
    assert cli("audit", "verify", "--org", ORG_KEYS["wushan"]).exit_code == 0
    assert tracing._command_provider is None


def test_the_worker_traces_each_job_by_its_kind(setup, cli, spans):  # noqa: F811
    jobs = {_queue(setup, params={"steps": 2}), _queue(setup, params={"steps": 1})}
    result = cli("worker", "--once")
    assert result.exit_code == 0, result.output
    finished = spans.get_finished_spans()
    roots = [s for s in finished if s.name == "job test.steps"]
    assert {s.attributes["laborbridge.job.id"] for s in roots} == {str(j) for j in jobs}
    for root in roots:
        assert root.attributes["laborbridge.job.kind"] == "test.steps"
        assert _statements(finished, root)
    # Polling for work is not traced: every statement belongs to a job.
    traces = {r.context.trace_id for r in roots}
    assert all(s.context.trace_id in traces for s in finished if "db.system" in s.attributes)


def test_the_apps_worker_threads_trace_each_job(setup, world):  # noqa: F811
    """The web app's own worker threads: a job is a span named by its kind."""
    exporter = InMemorySpanExporter()
    app = create_app(
        world.settings.model_copy(update={"worker_poll_seconds": 0.1}), span_exporter=exporter
    )
    with TestClient(app, base_url="http://testserver"):
        job = _queue(setup, params={"steps": 1})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            finished = exporter.get_finished_spans()
            roots = [
                s
                for s in finished
                if s.name == "job test.steps" and s.attributes["laborbridge.job.id"] == str(job)
            ]
            if roots:
                break
            time.sleep(0.1)
    [root] = roots
    assert _statements(exporter.get_finished_spans(), root)
