"""Running the image's commands as real processes of this checkout, with nothing of the
test runner's environment but PATH (and PYTHONPATH, so that this checkout is imported)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the image's WORKDIR (/app) holds the same
BIN = Path(sys.executable).parent


def argv(command: list[str]) -> list[str]:
    """The image's commands (laborbridge, gunicorn) are console scripts of this venv."""
    return [str(BIN / command[0]), *command[1:]]


def process_env(container: dict[str, str]) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **container}


def run_to_end(command: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    """One of the image's commands run to its end (a migration, an operator command),
    which must succeed; its output."""
    done = subprocess.run(
        argv(command),
        env=env,
        cwd=ROOT,
        input=f"{stdin}\n" if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def generated_keys(folder: Path) -> Path:
    """`laborbridge keys generate` written where the compose file's env_file expects it."""
    path = folder / "laborbridge.env"
    path.write_text(run_to_end(["laborbridge", "keys", "generate"], process_env({})))
    return path


def stop(server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """A server the test started, asked to stop, and killed if it does not."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
