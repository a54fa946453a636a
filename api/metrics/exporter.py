"""The metrics listener: a port of its own, never the app's (docs/operations.md, "Metrics").

Single process (`laborbridge serve`, `laborbridge worker`): the app starts it. Gunicorn:
its master starts it (api/metrics/gunicorn_hooks.py) and sums the workers' values from
PROMETHEUS_MULTIPROC_DIR."""

import os
import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

from api.metrics.scheduled_runs import ScheduledRuns
from api.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def registry(settings: Settings) -> CollectorRegistry:
    found = CollectorRegistry()
    if multiprocess():
        MultiProcessCollector(found)
    else:
        found.register(REGISTRY)  # this process's own metrics (and its CPU, memory)
    found.register(ScheduledRuns(settings))
    return found


class Listener:
    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self.server, self.thread = server, thread

    @property
    def port(self) -> int:
        return self.server.server_port

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def serve(settings: Settings, port: int | None = None, addr: str = "0.0.0.0") -> Listener:  # noqa: S104 - scraped from the pod network
    server, thread = start_http_server(
        settings.metrics_port if port is None else port, addr=addr, registry=registry(settings)
    )
    return Listener(server, thread)
