"""The nightly subsidy evaluation over a million placements (issue 5's targets: 120 s for
the evaluation, 50 ms for one laborer's entitlements).

    .venv/bin/python -m bench.bench_subsidies [--placements 1000000] [--runs 30]

Loads PLACEMENTS laborers into 巫山县人社局 (bench_roster's generator) and one placement
each (a tenth ended early, a fifth with six verified months, one in twenty with holiday
leave) with COPY, under the demo's three 巫山 policies. Then times, as the operator's
command does it: the first evaluation (every entitlement written), a second one (nothing
to change), one laborer's entitlements through the service as wushan.staff, and a plain
SQL aggregate over the same placements for scale.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import time
import uuid
from datetime import date, timedelta

import psycopg
from sqlalchemy import select

from api.access import build_access_context
from api.db import Database, apply_access
from api.subsidies import service
from api.subsidies.evaluation import evaluate_all
from bench.bench_roster import load as load_laborers
from bench.common import bench_database, peak_rss_mib
from shared_models import Organization, User

TODAY = date(2026, 11, 25)
EMPLOYERS = ["烟台某电子有限公司", "烟台某食品有限公司", "潍坊某纺织有限公司", "烟台某海产品公司"]
REGIONS = ["370602", "370611", "370613", "370702", "370783", "500237"]


def load_placements(
    admin_url: str, tenant_id: uuid.UUID, limit: int | None = None
) -> tuple[int, float]:
    """One placement each for the tenant's laborers without one (the first `limit`)."""
    rng = random.Random(5)
    started = time.perf_counter()
    cols = (
        "id, tenant_id, laborer_id, version, employer_name, region_code, city, channel,"
        " started_on, ended_on, separation_reason, created_at, updated_at"
    )
    vcols = (
        "id, tenant_id, placement_id, laborer_id, month, in_post, source, recorded_by_label,"
        " recorded_by_tenant, recorded_at"
    )
    lcols = (
        "id, tenant_id, placement_id, laborer_id, version, left_on, expected_return_on,"
        " returned_on, created_at, updated_at"
    )
    now = "2026-11-01 00:00:00+00"
    count = 0
    with psycopg.connect(admin_url) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM laborers WHERE tenant_id = %s"
                " AND id NOT IN (SELECT laborer_id FROM placements) ORDER BY id LIMIT %s",
                (tenant_id, limit),
            )
        ]
    with (
        psycopg.connect(admin_url) as conn,
        psycopg.connect(admin_url) as vconn,
        psycopg.connect(admin_url) as lconn,
    ):
        for c in (conn, vconn, lconn):
            c.execute("SET session_replication_role = replica")
        with (
            conn.cursor().copy(f"COPY placements ({cols}) FROM STDIN") as copy,
            vconn.cursor().copy(f"COPY stay_verifications ({vcols}) FROM STDIN") as vcopy,
            lconn.cursor().copy(f"COPY holiday_leaves ({lcols}) FROM STDIN") as lcopy,
        ):
            for laborer_id in ids:
                pid = uuid.uuid4()
                start = TODAY - timedelta(days=rng.randint(1, 720))
                ended = None
                if rng.random() < 0.1:
                    ended = min(TODAY, start + timedelta(days=rng.randint(10, 200)))
                region = rng.choice(REGIONS)
                copy.write_row((
                    pid, tenant_id, laborer_id, 1, rng.choice(EMPLOYERS), region,
                    "巫山" if region == "500237" else "烟台",
                    rng.choice(("organized", "organized", "self_found")),
                    start, ended, "quit" if ended else None, now, now,
                ))  # fmt: skip
                count += 1
                if rng.random() < 0.2:
                    month = start.replace(day=1)
                    for _ in range(6):
                        vcopy.write_row((uuid.uuid4(), tenant_id, pid, laborer_id, month, True,
                                         "payroll", "bench", tenant_id, now))  # fmt: skip
                        month = (month + timedelta(days=32)).replace(day=1)
                if rng.random() < 0.05 and ended is None:
                    left = TODAY - timedelta(days=rng.randint(5, 60))
                    back = left + timedelta(days=rng.randint(10, 60))
                    lcopy.write_row((uuid.uuid4(), tenant_id, pid, laborer_id, 1, left,
                                     left + timedelta(days=30),
                                     back if back <= TODAY else None, now, now))  # fmt: skip
        for c in (conn, vconn, lconn):
            c.commit()
        conn.autocommit = True
        for table in ("placements", "stay_verifications", "holiday_leaves"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with bench_database() as db:
        owner = Database(db.settings, as_owner=True)
        with owner.sessions() as s:
            tenant_id = s.scalars(
                select(Organization.id).where(Organization.name == "巫山县人社局")
            ).one()
            staff_id = s.scalars(select(User.id).where(User.username == "wushan.staff")).one()
        seconds = load_laborers(db.urls.admin, tenant_id, args.placements)
        print(f"loaded {args.placements:,} laborers in {seconds:.0f} s", flush=True)
        count, seconds = load_placements(
            db.urls.admin,
            tenant_id,
        )
        print(
            f"loaded {count:,} placements with verifications and leave in {seconds:.0f} s",
            flush=True,
        )

        def progress(name: str, done: int, total: int) -> None:
            if done == total or done % 100_000 < 2_000:
                print(f"  {name}: {done:,}/{total:,}", flush=True)

        for label in ("first evaluation (all rows written)", "second evaluation (nothing changes)"):
            started = time.perf_counter()
            if os.environ.get("LB_BENCH_PROFILE") and label.startswith("second"):
                profiler = cProfile.Profile()
                result = profiler.runcall(
                    evaluate_all, db.settings, as_of=TODAY, workers=1, progress=progress
                )
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            else:
                result = evaluate_all(db.settings, as_of=TODAY, progress=progress)
            elapsed = time.perf_counter() - started
            print(
                f"{label}: {elapsed:.1f} s, {result.laborers:,} laborers,"
                f" {result.written:,} rows written",
                flush=True,
            )
        with psycopg.connect(db.urls.admin) as conn:  # superuser: no row-level security
            started = time.perf_counter()
            conn.execute(
                "SELECT laborer_id, min(started_on), max(coalesce(ended_on, %(today)s)),"
                " sum(coalesce(ended_on, %(today)s) - started_on) FROM placements"
                " WHERE tenant_id = %(tenant)s GROUP BY laborer_id",
                {"today": TODAY, "tenant": tenant_id},
            ).fetchall()
            print(
                "plain SQL aggregate over the same placements:"
                f" {time.perf_counter() - started:.1f} s"
            )
            sample = [
                r[0]
                for r in conn.execute(
                    "SELECT laborer_id FROM placements WHERE tenant_id = %s"
                    " ORDER BY random() LIMIT %s",
                    (tenant_id, args.runs),
                ).fetchall()
            ]
        database = Database(db.settings)
        samples = []
        for laborer_id in sample:
            with database.transaction() as session:
                access = build_access_context(session, tenant_id=tenant_id, role="staff",
                                              can_reveal_pii=False, user_id=staff_id,
                                              actor_label="wushan.staff")  # fmt: skip
                apply_access(session, access)
                started = time.perf_counter()
                service.for_laborer(session, access, laborer_id, as_of=TODAY)
                samples.append(time.perf_counter() - started)
        ordered = sorted(samples)
        print(f"one laborer's entitlements (3 policies):"
              f" median {statistics.median(ordered) * 1000:.1f} ms,"
              f" p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms")  # fmt: skip
        print(f"peak RSS {peak_rss_mib():.0f} MiB")
        database.dispose()
        owner.dispose()


if __name__ == "__main__":
    main()
