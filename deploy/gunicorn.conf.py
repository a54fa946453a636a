"""Gunicorn with uvicorn workers, logging JSON like the app.

LB_WORKERS sets the worker count; by default it is 2 × the container's CPU quota + 1
(api/cpu_quota.py), not the host's cores. Each worker holds its own connection pool.
The settings are checked here, before any worker starts: a refused setting is one JSON
log line and exit status 1, not a worker crashing in a loop.
"""

import logging
import os
import shutil

from api.cpu_quota import default_workers
from api.logging_setup import gunicorn_log_config
from api.startup import settings_or_exit

_settings = settings_or_exit()

bind = os.environ.get("LB_BIND", "0.0.0.0:8000")
workers = _settings.workers or default_workers()
worker_class = "uvicorn_worker.UvicornWorker"
timeout = 120  # imports of 100,000-row ledgers take tens of seconds
graceful_timeout = 30
keepalive = 5
# The app writes its own JSON access log (laborbridge.access: method, path, status, time,
# request id) and leaves query strings out, as they may hold names; gunicorn's would not.
accesslog = None
if _settings.log_json:
    logconfig_dict = gunicorn_log_config(_settings.log_level)
    logging.captureWarnings(True)  # inherited by the workers
# No gunicornc control socket: nothing uses it, and $HOME is read-only in the pod.
control_socket_disable = True
# The same trusted proxies as the app's own middleware (LB_TRUSTED_PROXIES; none: the
# connecting address is the client's), so both resolve X-Forwarded-For alike.
forwarded_allow_ips = ",".join(_settings.trusted_proxies)

# Prometheus metrics on LB_METRICS_PORT, served by this master (docs/operations.md,
# "Metrics"). The workers write their values under PROMETHEUS_MULTIPROC_DIR, which must be
# set, and emptied, before anything imports prometheus_client.
metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/laborbridge-metrics")  # noqa: S108
shutil.rmtree(metrics_dir, ignore_errors=True)
os.makedirs(metrics_dir, exist_ok=True)

from api.metrics.gunicorn_hooks import child_exit, when_ready  # noqa: E402, F401
