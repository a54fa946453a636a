"""The roster export through the served app: time to first byte, total time and the
server's peak memory, streamed (`GET /api/v1/laborers/export`) against the export as it
was before (the whole workbook built in memory, then sent), in the same run.

    .venv/bin/python -m bench.bench_export [--sizes 10000,100000]

Against a throw-away PostgreSQL database (seeded demo, RLS in force, the app role):
COPY laborers into 巫山县人社局 up to each size, then for each variant start uvicorn
(one worker) in a fresh process, export once to warm it (cold process, warm database
cache), then time a second export with an HTTP client reading the body as it comes. The
server's peak RSS (VmHWM) covers both exports; the client's memory is not counted.
"""

import argparse
import io
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import python_calamine

from bench.bench_import import _child_env
from bench.bench_roster import load
from bench.common import bench_database, tenant_id_of
from tests.fixtures.world import PASSWORD

VARIANTS = {"buffered (before)": "/bench/export-buffered", "streamed": "/api/v1/laborers/export"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _export(client: httpx.Client, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """Seconds to the first byte, to the first 64 KiB (rows, not just the workbook's
    fixed parts) and to the last, and the file."""
    started = time.perf_counter()
    marks: dict[str, Any] = {}
    parts: list[bytes] = []
    size = 0
    with client.stream("GET", path, headers=headers, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_raw():
            size += len(chunk)
            if chunk:
                marks.setdefault("ttfb", time.perf_counter() - started)
            if size >= 65536:
                marks.setdefault("t64k", time.perf_counter() - started)
            parts.append(chunk)
    marks["total"] = time.perf_counter() - started
    marks.setdefault("t64k", marks["total"])
    marks["data"] = b"".join(parts)
    return marks


def _measure(env: dict[str, str], path: str) -> dict[str, float]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench.export_server", str(port)], env=env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(300):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            credentials = {"grant_type": "password", "username": "wushan.staff"}
            token = client.post(
                "/api/v1/auth/token", data={**credentials, "password": PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            _export(client, path, headers)  # warm-up
            result = _export(client, path, headers)
        data = result.pop("data")
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = len(book.get_sheet_by_index(0).to_python()) - 1  # a valid workbook, every row
        return {**result, "mib": _peak_mib(server.pid), "bytes": len(data), "rows": rows}
    finally:
        server.terminate()
        server.wait()


def _unload(admin_url: str) -> None:
    """Remove what `load` added (its rows carry one fixed creation time; it draws the same
    ids each time), keeping the demo."""
    with psycopg.connect(admin_url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "DELETE FROM laborer_tags WHERE laborer_id IN"
            " (SELECT id FROM laborers WHERE created_at = '2026-11-01 00:00:00+00')"
        )
        conn.execute("DELETE FROM laborers WHERE created_at = '2026-11-01 00:00:00+00'")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with bench_database() as db:
        tenant_id = tenant_id_of(db)
        env = {**_child_env(db), "LB_LOG_LEVEL": "WARNING"}
        print("| laborers | variant | first byte | first 64 KiB | total | server peak RSS | file |")
        print("|---|---|---|---|---|---|---|")
        for size in sizes:
            _unload(db.urls.admin)
            load(db.urls.admin, tenant_id, size)
            results = {}
            for label, path in VARIANTS.items():
                r = results[label] = _measure(env, path)
                print(f"| {size:,} (+demo) | {label} | {r['ttfb']:.2f} s | {r['t64k']:.2f} s |"
                      f" {r['total']:.2f} s |"
                      f" {r['mib']:.0f} MiB | {r['bytes'] / 1e6:.1f} MB, {r['rows']:,} rows |",
                      flush=True)  # fmt: skip
            before, now = results["buffered (before)"], results["streamed"]
            ratios = [now[k] / before[k] for k in ("ttfb", "t64k", "total", "mib")]
            print(f"| {size:,} | ratio streamed / before | {ratios[0]:.3f} | {ratios[1]:.3f} |"
                  f" {ratios[2]:.2f} | {ratios[3]:.2f} | |")  # fmt: skip


if __name__ == "__main__":
    main()
