"""Settings for a server process, or one JSON log line per refused setting and exit 1."""

import logging

from api.logging_setup import configure_logging
from api.settings import Settings, SettingsError, read_settings


def settings_or_exit() -> Settings:
    try:
        return read_settings()
    except SettingsError as exc:
        # A traceback would bury the reason; the operator needs the lines, nothing else.
        configure_logging()
        log = logging.getLogger("laborbridge.settings")
        for line in str(exc).splitlines():
            log.error(line)
        raise SystemExit(1) from None
