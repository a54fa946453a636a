"""The metrics the app reports. With PROMETHEUS_MULTIPROC_DIR set (gunicorn), each
worker process writes its values to files there and the exporter sums them."""

from prometheus_client import Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "laborbridge_http_request_duration_seconds",
    "Time to answer a request, by route template (never the raw path).",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
POOL_SIZE = Gauge(
    "laborbridge_db_pool_size",
    "Connections each pool keeps (LB_DB_POOL_SIZE), summed over processes.",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "laborbridge_db_pool_checked_out",
    "Database connections in use now, summed over processes.",
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "laborbridge_db_pool_overflow",
    "Connections open beyond the pool size (up to as many again), summed over processes.",
    multiprocess_mode="livesum",
)
JOB_SECONDS = Histogram(
    "laborbridge_job_duration_seconds",
    "Time a background job ran, by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
