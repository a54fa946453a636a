"""JSON logs with the request id on every line and personal data masked."""

import logging
import sys
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from api.security.masking import mask_text

request_id_var: ContextVar[str | None] = ContextVar("lb_request_id", default=None)


class ContextFilter(logging.Filter):
    """Adds the request id and masks ID and phone numbers in the message and args."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def json_formatter() -> JsonFormatter:
    """One JSON object per line: time, level, logger, message, request_id."""
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def gunicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its master and worker lines in the app's JSON form.

    The root logger gets no handler here: each worker's app adds its own (above), and a
    second one would print every line twice. gunicorn's access log stays off in
    deploy/gunicorn.conf.py; the app's access log (laborbridge.access) is the JSON one.
    Python warnings (py.warnings, with logging.captureWarnings) are JSON lines too, also
    those raised while a worker imports the app, before the app's handler exists.
    """
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["context"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "api.logging_setup.json_formatter"}},
        "filters": {"context": {"()": "api.logging_setup.ContextFilter"}},
        "handlers": {"json_stderr": handler},
        "root": {"level": level.upper(), "handlers": []},
        "loggers": {
            name: {"level": level.upper(), "handlers": ["json_stderr"], "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access", "py.warnings")
        },
    }


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(json_formatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_laborbridge", False):
            root.removeHandler(existing)
    handler._laborbridge = True  # type: ignore[attr-defined]  # marks ours, removed on a rerun
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own access log would print query strings (which may hold names); ours
    # (api/middleware.py) logs method, path, status and time only.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
