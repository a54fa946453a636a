"""Gunicorn with uvicorn workers. Tune with LB_WORKERS; each worker holds its own pool."""

import multiprocessing
import os
import shutil

bind = os.environ.get("LB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("LB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "uvicorn.workers.UvicornWorker"
timeout = 120  # imports of 100,000-row ledgers take tens of seconds
graceful_timeout = 30
keepalive = 5
accesslog = None  # the app writes its own access log, without query strings
forwarded_allow_ips = os.environ.get("LB_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus metrics on LB_METRICS_PORT, served by this master (docs/operations.md,
# "Metrics"). The workers write their values under PROMETHEUS_MULTIPROC_DIR, which must be
# set, and emptied, before anything imports prometheus_client.
metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/laborbridge-metrics")  # noqa: S108
shutil.rmtree(metrics_dir, ignore_errors=True)
os.makedirs(metrics_dir, exist_ok=True)

from api.metrics.gunicorn_hooks import child_exit, when_ready  # noqa: E402, F401
