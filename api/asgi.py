"""ASGI entry point for uvicorn and gunicorn: `api.asgi:app`."""

import gc

from api.app import create_app
from api.startup import settings_or_exit

app = create_app(settings_or_exit())

# Everything alive now (modules, routes, schemas, mappers: ~280,000 objects) lives as long
# as the process. Frozen, the cyclic collector's full passes walk only what requests leave
# behind; unfrozen, each pass walked it all (0.17 s of CPU, every 60-100 roster
# requests). Here, not in create_app: the tests build many apps in one process.
gc.collect()
gc.freeze()
