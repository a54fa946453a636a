"""cProfile of one bureau's nightly evaluation in one process, first (every entitlement
written) and again (nothing to change): where the app's time goes, beside
bench_evaluation's ratio.

    .venv/bin/python -m bench.profile_evaluation [--scale 10000] [--lines 40]

bench_evaluation's data (bench_roster's laborers in 巫山县人社局, bench_subsidies'
placements), `evaluate_range` over the bureau in pages of 2,000, no pool."""

import argparse
import cProfile
import pstats
import time

from api.db import Database
from api.subsidies.entitlements import BATCH
from api.subsidies.evaluation import evaluate_range
from bench.bench_evaluation import TODAY
from bench.bench_roster import load as load_laborers
from bench.bench_subsidies import load_placements
from bench.common import bench_database, organization_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    with bench_database() as db:
        tenant_id = organization_id(db, "巫山县人社局")
        load_laborers(db.urls.admin, tenant_id, args.scale)
        load_placements(db.urls.admin, tenant_id, args.scale)
        database = Database(db.settings, as_owner=True)
        try:
            for label in ("first", "again"):
                profile = cProfile.Profile()
                started = time.perf_counter()
                profile.enable()
                laborers, written = evaluate_range(database, tenant_id, None, None, TODAY, BATCH)
                profile.disable()
                took = time.perf_counter() - started
                print(f"\n== {label}: {took:.1f} s, {laborers:,} laborers, {written:,} written")
                pstats.Stats(profile).sort_stats("cumulative").print_stats(args.lines)
        finally:
            database.dispose()


if __name__ == "__main__":
    main()
