"""ASGI entry point for uvicorn and gunicorn: `api.asgi:app`."""

import gc

from api.app import create_app
from api.startup import settings_or_exit

app = create_app(settings_or_exit())

# What the import left alive (modules, routes, models, catalogs: several hundred
# thousand objects) lives as long as the process. Out of the collector's sight, a full
# collection no longer walks it every few requests: a roster page's Python time fell
# by a fifth (docs/performance.md, "Throughput against raw SQL"). Only here, in a
# served process: tests build many apps and need theirs collected.
gc.freeze()
