"""Gunicorn with uvicorn workers. Tune with LB_WORKERS; each worker holds its own pool."""

import multiprocessing
import os

bind = os.environ.get("LB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("LB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "uvicorn.workers.UvicornWorker"
timeout = 120  # imports of 100,000-row ledgers take tens of seconds
graceful_timeout = 30
keepalive = 5
accesslog = None  # the app writes its own access log, without query strings
forwarded_allow_ips = os.environ.get("LB_FORWARDED_ALLOW_IPS", "127.0.0.1")
