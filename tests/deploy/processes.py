"""Running the image's commands as real processes of this checkout, with nothing of the
test runner's environment but PATH (and PYTHONPATH, so that this checkout is imported)."""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the image's WORKDIR (/app) holds the same
BIN = Path(sys.executable).parent


def argv(command: list[str]) -> list[str]:
    """The image's commands (laborbridge, gunicorn) are console scripts of this venv."""
    return [str(BIN / command[0]), *command[1:]]


def process_env(container: dict[str, str]) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **container}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
