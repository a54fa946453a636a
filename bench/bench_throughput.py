"""Throughput of hot reads: the served app against a raw endpoint replaying its SQL.

    .venv/bin/python -m bench.bench_throughput [--scale 30000] [--workers 2] [--seconds 8]
        [--only "roster page,roster API"] [--pool 10] [--port 18071]

`--only` serves some of the four requests (by label); `--pool` sets each worker's pool
(app and raw alike; the app's may overflow by as many again), for a shared server;
`--port` moves the app (the raw endpoint takes the next port), for a second run beside.

Builds a database of its own (bench/common.py: migrated, the demo seeded, the app role
with RLS in force) and COPYs `--scale` laborers into the two sending counties, 60 % into
巫山县人社局 and 40 % into 开州区就业和人才中心 (bench_roster.load, with matching's
intentions). Then it serves

- the app, `gunicorn -k uvicorn_worker.UvicornWorker api.asgi:app`, as the image does;
- the raw endpoint (bench/raw_replay.py): Starlette + psycopg, replaying, per request,
  the statements the app sent for the same request (its auth queries, role and
  row-security settings included), captured in-process with a before_cursor_execute
  listener on a warm request;

with the same number of workers each, and drives both with wrk (an httpx async client
where wrk is missing) at 16 and 64 connections for the roster API, the roster page, a
laborer's top 20 matches and a laborer's timeline, as wushan.staff. It prints req/s,
the ratio app/raw and the resident memory of every served process. Warm: each run is
preceded by a warm-up of its own (half as long, at least 4 s). On a busy machine
use `--seconds 12` or more: at 64 connections an answer may take seconds. At the
default scale the whole run takes about 4 minutes on 2 idle cores.
"""

import argparse
import asyncio
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from api.app import create_app
from api.db import Database
from bench.bench_roster import load
from bench.common import BenchDatabase, bench_database
from shared_models import Organization
from tests.fixtures.world import PASSWORD
from tests.web.helpers import sign_in

TENANT_MIX = {"巫山县人社局": 0.6, "开州区就业和人才中心": 0.4}
USERNAME = "wushan.staff"
CONNECTIONS = (16, 64)
APP_PORT = 18071  # the raw endpoint: the next port
POOL_SIZE = 10  # connections per worker, app and raw alike


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _populate(db: BenchDatabase, scale: int) -> None:
    owner = Database(db.settings, as_owner=True)
    with owner.sessions() as s:
        rows = s.execute(select(Organization.name, Organization.id)).all()
        tenants = {row[0]: row[1] for row in rows}
    owner.dispose()
    for seed, (name, share) in enumerate(TENANT_MIX.items(), start=3):
        count = int(scale * share)
        seconds = load(db.urls.admin, tenants[name], count, intentions=True, seed=seed)
        print(f"loaded {count:,} laborers into {name} in {seconds:.0f} s", flush=True)


def _subjects(db: BenchDatabase) -> tuple[uuid.UUID, uuid.UUID]:
    """(a laborer looking for work, for matches; the laborer with the most records, for
    the timeline), both of 巫山. Read as the superuser: the tables force row security."""
    with psycopg.connect(_libpq(db.urls.admin)) as conn:
        looking = conn.execute(
            "SELECT l.id FROM laborers l JOIN organizations o ON o.id = l.tenant_id"
            " WHERE o.name = '巫山县人社局' AND l.transfer_willing"
            " AND l.employment_status = 'unemployed' ORDER BY l.id LIMIT 1"
        ).fetchone()
        busiest = conn.execute(
            "SELECT r.laborer_id FROM (SELECT laborer_id FROM placements UNION ALL"
            " SELECT laborer_id FROM stay_verifications UNION ALL SELECT laborer_id"
            " FROM subsidy_claims UNION ALL SELECT laborer_id FROM referrals) r"
            " JOIN laborers l ON l.id = r.laborer_id JOIN organizations o"
            " ON o.id = l.tenant_id WHERE o.name = '巫山县人社局'"
            " GROUP BY r.laborer_id ORDER BY count(*) DESC, r.laborer_id LIMIT 1"
        ).fetchone()
    assert looking
    assert busiest
    return looking[0], busiest[0]


def _credentials(client: TestClient) -> tuple[str, str]:
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": USERNAME, "password": PASSWORD},
    ).json()["access_token"]
    response = sign_in(client, USERNAME)
    assert response.status_code in (302, 303), response.text
    return token, client.cookies.get("lb_session") or next(iter(client.cookies.values()))


def _capture(
    db: BenchDatabase, paths: dict[str, str], headers: dict[str, dict[str, str]]
) -> dict[str, list[tuple[str, object]]]:
    """The statements the app sends for each path, on a warm request."""
    database = Database(db.settings)
    plan: dict[str, list[tuple[str, object]]] = {}
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    with TestClient(create_app(db.settings, database=database)) as client:
        for label, path in paths.items():
            for _ in range(3):  # warm: caches filled, last-used times fresh
                sent.clear()
                response = client.get(path, headers=headers[label])
                assert response.status_code == 200, (path, response.status_code)
            plan[path] = list(sent)
            print(f"{label}: the app sends {len(sent)} statements", flush=True)
    database.dispose()
    return plan


@contextmanager
def _served(target: str, port: int, workers: int, env: dict[str, str]) -> Iterator[list[int]]:
    """gunicorn with uvicorn workers on `port`; yields the pids of master and workers."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-k", "uvicorn_worker.UvicornWorker", "-w", str(workers),
        "-b", f"127.0.0.1:{port}", "--keep-alive", "5", "--log-level", "warning", target,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/__ready", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        yield [process.pid, *map(int, children)]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()  # a worker stuck in a request: this process group is ours
            process.wait()


def _rss_mib(pids: list[int]) -> list[float]:
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        sizes.append(int(match.group(1)) / 1024 if match else 0.0)
    return sizes


def _wrk(url: str, headers: dict[str, str], connections: int, seconds: int) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    # Failed answers and timed-out requests are not throughput: said, not counted.
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    if failed or socket:
        print(f"  {url}: {failed.group(0) if failed else ''} {socket.group(0) if socket else ''}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


async def _async_client(url: str, headers: dict[str, str], connections: int, seconds: int) -> float:
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as client:
        done = 0
        stop = time.monotonic() + seconds

        async def one() -> None:
            nonlocal done
            while time.monotonic() < stop:
                response = await client.get(url)
                assert response.status_code == 200, response.status_code
                done += 1

        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(connections)))
        return done / (time.monotonic() - started)


def _rate(url: str, headers: dict[str, str], connections: int, seconds: int) -> float:
    if shutil.which("wrk"):
        # Warm-up long enough for every connection's first answer, even on a busy box.
        _wrk(url, headers, connections, max(4, seconds // 2))
        return _wrk(url, headers, connections, seconds)
    return asyncio.run(_async_client(url, headers, connections, seconds))


def _environment(db: BenchDatabase, plan_file: str, pool: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LB_ENV="development",
        LB_SECRET_KEY=db.settings.secret_key.get_secret_value(),
        LB_DATABASE_URL=db.urls.app,
        LB_OWNER_DATABASE_URL=db.urls.owner,
        LB_DB_APP_ROLE=db.urls.app_role,
        LB_DATA_DIR=str(db.settings.data_dir),
        LB_LOG_LEVEL="WARNING",
        LB_LOG_JSON="false",
        # No background-job threads: they would take pool connections from the requests.
        LB_WORKER_THREADS="0",
        # Each worker's pool holds a connection per request in flight (uvicorn hands the
        # sync handlers to 40 threads); the default 5 + 5 times out at 64 connections.
        LB_DB_POOL_SIZE=str(pool),
        LB_DB_POOL_TIMEOUT_SECONDS="60",
        LB_RAW_PLAN=plan_file,
        LB_RAW_DATABASE_URL=_libpq(db.urls.app),
        LB_RAW_POOL_SIZE=str(pool),
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="lb-bench-metrics-"),
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=30_000, help="laborers, all tenants")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--seconds", type=int, default=8, help="per wrk run")
    parser.add_argument("--only", help="comma-separated labels to serve, e.g. 'roster page'")
    parser.add_argument(
        "--pool", type=int, default=POOL_SIZE, help="connections a worker, app and raw alike"
    )
    parser.add_argument("--port", type=int, default=APP_PORT, help="the app's; raw: the next")
    args = parser.parse_args()
    app_port, raw_port = args.port, args.port + 1
    started = time.monotonic()
    with bench_database() as db:
        _populate(db, args.scale)
        looking, busiest = _subjects(db)
        with TestClient(create_app(db.settings)) as client:
            token, cookie = _credentials(client)
        api = {"Authorization": f"Bearer {token}"}
        page = {"Cookie": f"lb_session={cookie}"}
        paths = {
            "roster API": "/api/v1/laborers",
            "roster page": "/laborers",
            "top 20 matches": f"/api/v1/laborers/{looking}/matches",
            "timeline": f"/api/v1/laborers/{busiest}/timeline",
        }
        if args.only:
            paths = {label: paths[label] for label in args.only.split(",")}
        headers = {label: page if label == "roster page" else api for label in paths}
        plan = _capture(db, paths, headers)
        plan_file = tempfile.mktemp(prefix="lb-bench-plan-", suffix=".pickle")  # noqa: S306
        with open(plan_file, "wb") as f:
            pickle.dump(plan, f)
        env = _environment(db, plan_file, args.pool)
        results: dict[tuple[str, int], tuple[float, float]] = {}
        with (
            _served("api.asgi:app", app_port, args.workers, env) as app_pids,
            _served("bench.raw_replay:app", raw_port, args.workers, env) as raw_pids,
        ):
            for label, path in paths.items():
                for connections in CONNECTIONS:
                    app = _rate(f"http://127.0.0.1:{app_port}{path}", headers[label],
                                connections, args.seconds)  # fmt: skip
                    raw = _rate(f"http://127.0.0.1:{raw_port}{path}", headers[label],
                                connections, args.seconds)  # fmt: skip
                    results[(label, connections)] = (app, raw)
                    print(f"{label:16s} c={connections:3d}  app {app:7.1f} req/s  raw {raw:7.1f}"
                          f" req/s  ratio {app / raw:.2f}", flush=True)  # fmt: skip
            for name, pids in (("app", app_pids), ("raw", raw_pids)):
                listed = ", ".join(f"{size:.0f}" for size in _rss_mib(pids))
                print(f"{name}: RSS MiB of master, workers: {listed}", flush=True)
        if os.environ.get("LB_BENCH_KEEP_PLAN"):
            print(f"plan kept in {plan_file}")
        else:
            os.unlink(plan_file)
    print(f"scale {args.scale:,} laborers, {args.workers} workers each, pool {args.pool},"
          f" {time.monotonic() - started:.0f} s in all")  # fmt: skip


if __name__ == "__main__":
    main()
