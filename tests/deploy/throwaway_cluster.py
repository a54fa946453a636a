"""A PostgreSQL cluster of our own (initdb + pg_ctl on a free port), for tests that need
cluster-wide objects such as deploy/postgres/roles.sql's fixed role names.

Connections over TCP need passwords (scram-sha-256), as in a real deployment; only the
superuser's own socket is trusted. As root, the server runs as the `postgres` user,
since PostgreSQL refuses to run as root.
"""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "postgres"


class ClusterUnavailable(RuntimeError):
    """initdb/pg_ctl missing or the server would not start."""


@dataclass(frozen=True)
class Cluster:
    port: int
    superuser_password: str

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=self.superuser_password,
            dbname=database,
            autocommit=True,
        )

    def run_sql_file(self, path: Path) -> None:
        """Each statement on its own (CREATE DATABASE cannot run in a transaction block)."""
        statements = [
            s.strip()
            for s in "\n".join(
                line for line in path.read_text().splitlines() if not line.startswith("--")
            ).split(";")
        ]
        with self.admin() as conn:
            for statement in filter(None, statements):
                conn.execute(statement)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise ClusterUnavailable(f"{name} not found (install PostgreSQL's server binaries)")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="lb-cluster-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data, password = root / "data", secrets.token_urlsafe(16)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if as_user:
        shutil.chown(pwfile, "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        result = subprocess.run([*as_user, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ClusterUnavailable(f"{Path(args[0]).name} failed: {result.stderr.strip()}")

    try:
        run(
            initdb, "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"
        run(pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start")
        try:
            cluster = Cluster(port=port, superuser_password=password)
            _wait_until_ready(cluster)
            yield cluster
        finally:
            subprocess.run(
                [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_ready(cluster: Cluster) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with cluster.admin() as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise ClusterUnavailable(f"the throwaway cluster did not answer: {exc}") from exc
            time.sleep(0.2)
