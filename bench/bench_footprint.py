"""Bytes on disk per laborer (docs/scaling.md), in two steps on one throw-away database:

1. IMPORTED laborers through the app's own ledger import (bench.import_steps, as
   wushan.admin): the laborer, its tags, its history and its audit entries, as a county
   registers them;
2. LABORERS laborers and a placement each for PLACEMENTS of them, loaded with
   bench_oversight's COPY (the rows alone, no history).

After each step: VACUUM ANALYZE, then every table's pg_total_relation_size (heap,
TOAST and indexes), the growth divided by the laborers the step added.

    .venv/bin/python -m bench.bench_footprint [--imported 20000] [--laborers 100000]
"""

import argparse
import subprocess
import sys

import psycopg
from sqlalchemy import select

from api.db import Database
from bench.bench_import import OUT, _child_env, _run
from bench.bench_oversight import load
from bench.common import bench_database
from shared_models import Organization

SIZES = """
SELECT c.relname, pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = current_schema()
"""


def sizes(admin_url: str) -> dict[str, int]:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        return {name: int(size) for name, size in conn.execute(SIZES)}


def report(title: str, before: dict[str, int], after: dict[str, int], laborers: int) -> None:
    grown = {t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)}
    total = sum(grown.values())
    print(title)
    for table, size in sorted(grown.items(), key=lambda kv: -kv[1]):
        print(f"  {table:<28} {size / 2**20:9.1f} MiB  {size / laborers:8.0f} B/laborer")
    print(f"  total {total / 2**20:.1f} MiB: {total / laborers:.0f} bytes per laborer", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laborers", type=int, default=100_000)
    parser.add_argument("--placements", type=int, default=None, help="default: as many")
    parser.add_argument("--imported", type=int, default=20_000)
    args = parser.parse_args()
    placements = min(args.placements or args.laborers, args.laborers)
    with bench_database() as db:
        owner = Database(db.settings, as_owner=True)
        with owner.sessions() as s:
            tenant_id = s.scalars(
                select(Organization.id).where(Organization.name == "巫山县人社局")
            ).one()
        owner.dispose()
        before = sizes(db.urls.admin)
        if args.imported:
            OUT.mkdir(exist_ok=True)
            ledger = OUT / f"ledger-{args.imported}.xlsx"
            if not ledger.exists():
                write = f"write_ledger(Path({str(ledger)!r}), {args.imported})"
                prelude = "from pathlib import Path; from bench.ledgers import write_ledger; "
                subprocess.run([sys.executable, "-c", prelude + write], check=True)
            imported = _run("import", _child_env(db), str(ledger))
            after = sizes(db.urls.admin)
            report(
                f"imported {imported['rows']:,} laborers in {imported['seconds']:.0f} s",
                before,
                after,
                imported["rows"],
            )
            before = after
        seconds = load(db.urls.admin, tenant_id, args.laborers, placements)
        after = sizes(db.urls.admin)
        report(
            f"COPY of {args.laborers:,} laborers, {placements:,} placements in {seconds:.0f} s",
            before,
            after,
            args.laborers,
        )


if __name__ == "__main__":
    main()
