"""Ledger import and export at scale (issue 3's targets).

    .venv/bin/python -m bench.bench_import [--rows 100000] [--export] [--profile FILE]

Against a throw-away PostgreSQL database, as the unprivileged app role with RLS, signed
in as a county administrator: import a ledger of ROWS laborers (validated and committed,
all or nothing), import it again (all unchanged), and, as the floor, read the same file
with python-calamine and COPY the same rows into empty tables shaped like ours through
psycopg (superuser, no checks). Each step runs in its own process, so its peak memory is
its own; `--profile` keeps the first import's cProfile.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import bench_database

OUT = Path(__file__).resolve().parent / "out"


def _child_env(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    s = db.settings
    return {
        **os.environ,
        "LB_ENV": s.env, "LB_SECRET_KEY": s.secret_key.get_secret_value(),
        "LB_DATABASE_URL": s.database_url, "LB_OWNER_DATABASE_URL": s.owner_database_url,
        "LB_DB_APP_ROLE": s.db_app_role, "LB_DATA_DIR": str(s.data_dir),
        "LB_BENCH_ADMIN_URL": db.urls.admin,
    }  # fmt: skip


def _run(step: str, env: dict[str, str], *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.import_steps", step, *args],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if output.returncode:
        sys.exit(f"step {step} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--export", action="store_true", help="time the export too")
    parser.add_argument("--profile", help="write the import's cProfile to this file")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    ledger = OUT / f"ledger-{args.rows}.xlsx"
    if not ledger.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", (
            "from pathlib import Path; from bench.ledgers import write_ledger; "
            f"write_ledger(Path({str(ledger)!r}), {args.rows})")], check=True)  # fmt: skip
        print(f"ledger of {args.rows} rows written in {time.perf_counter() - started:.1f} s")
    print(f"ledger: {ledger.name}, {ledger.stat().st_size / 1e6:.1f} MB")
    with bench_database() as db:
        env = _child_env(db)
        imported = _run("import", env, str(ledger), *([args.profile] if args.profile else []))
        print(f"import (validate + commit, {imported['rows']} rows): {imported['seconds']:.1f} s,"
              f" peak RSS {imported['peak_mib']:.0f} MiB; phases {imported['phases']}")  # fmt: skip
        again = _run("import", env, str(ledger))
        print(f"re-import, all unchanged ({again['unchanged']}): {again['seconds']:.1f} s,"
              f" peak RSS {again['peak_mib']:.0f} MiB")  # fmt: skip
        if args.export:
            exported = _run("export", env, str(OUT / "export.xlsx"))
            print(f"export ({exported['rows']} rows): {exported['seconds']:.1f} s,"
                  f" peak RSS {exported['peak_mib']:.0f} MiB")  # fmt: skip
        raw = _run("raw", env, str(ledger))
        print(f"raw: calamine read ({raw['read']:.2f} s) + COPY of the same {raw['rows']}"
              f" laborers + {raw['tags']} tags into empty tables: {raw['seconds']:.2f} s,"
              f" peak RSS {raw['peak_mib']:.0f} MiB")  # fmt: skip
        print(f"ratio import / raw (read + COPY): {imported['seconds'] / raw['seconds']:.1f}x")


if __name__ == "__main__":
    main()
