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

import httpx
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


def _export(client: httpx.Client, path: str, headers: dict[str, str]) -> tuple[float, float, bytes]:
    started = time.perf_counter()
    first = None
    parts = []
    with client.stream("GET", path, headers=headers, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_raw():
            if first is None and chunk:
                first = time.perf_counter() - started
            parts.append(chunk)
    return first or 0.0, time.perf_counter() - started, b"".join(parts)


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
            first, total, data = _export(client, path, headers)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = len(book.get_sheet_by_index(0).to_python()) - 1  # a valid workbook, every row
        return {"ttfb": first, "total": total, "mib": _peak_mib(server.pid),
                "bytes": len(data), "rows": rows}  # fmt: skip
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with bench_database() as db:
        tenant_id = tenant_id_of(db)
        env = _child_env(db)
        loaded = 0
        print("| laborers | variant | first byte | total | server peak RSS | file |")
        print("|---|---|---|---|---|---|")
        for size in sizes:
            load(db.urls.admin, tenant_id, size - loaded)
            loaded = size
            results = {}
            for label, path in VARIANTS.items():
                r = results[label] = _measure(env, path)
                print(f"| {size:,} (+demo) | {label} | {r['ttfb']:.2f} s | {r['total']:.2f} s |"
                      f" {r['mib']:.0f} MiB | {r['bytes'] / 1e6:.1f} MB, {r['rows']:,} rows |",
                      flush=True)  # fmt: skip
            before, now = results["buffered (before)"], results["streamed"]
            ratios = [now[k] / before[k] for k in ("ttfb", "total", "mib")]
            print(f"| {size:,} | ratio streamed / before | {ratios[0]:.3f} | {ratios[1]:.2f} |"
                  f" {ratios[2]:.2f} | |")  # fmt: skip


if __name__ == "__main__":
    main()
