"""ASGI entry point for uvicorn and gunicorn: `api.asgi:app`."""

from api.app import create_app
from api.startup import settings_or_exit

app = create_app(settings_or_exit())
