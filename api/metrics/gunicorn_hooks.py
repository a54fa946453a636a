"""Gunicorn server hooks for metrics (deploy/gunicorn.conf.py).

The config sets PROMETHEUS_MULTIPROC_DIR (an emptied directory) before this module, the
first to import prometheus_client, so every worker writes its values to files there; the
master serves their sum on LB_METRICS_PORT and drops a dead worker's live gauges."""

from typing import Any

from prometheus_client import multiprocess

from api.metrics.exporter import serve
from api.settings import Settings

_listener: list[Any] = []


def when_ready(_server: Any) -> None:
    settings = Settings()
    if settings.metrics_port:
        _listener.append(serve(settings))


def child_exit(_server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)
