"""ASGI entry point for uvicorn and gunicorn: `api.asgi:app`."""

from api.app import create_app

app = create_app()
