"""The nightly evaluation against one plain SQL statement doing the same arithmetic, in one
run, at growing scale (issue 15).

    .venv/bin/python -m bench.bench_evaluation [--scales 10000,100000]

First the fixed cost: `evaluate_all` over the seeded demo alone (a few dozen placements).
Then bench_roster's laborers are loaded in 巫山县人社局 (as many as the largest scale) and,
for each scale, bench_subsidies' placements (one each; a tenth ended, a fifth with six
verified months, one in twenty with holiday leave) topped up to that many; it times, warm
(the rows just written and read):
  * the app: `evaluate_all` as the operator's command runs it, first (every entitlement
    written) and again (nothing to change);
  * the baseline: one statement (superuser, no RLS), every row fetched, that does the
    same arithmetic for each of the bureau's current policies: stays (leave too long to
    bridge cuts a spell, a gap within the area joins spells), calendar months clamped to
    the month's end, verified months where required, each unit's due day, earned money
    and the next day money falls due. It judges no eligibility (person, channel,
    destination, policy versions), writes nothing and compares no stored row: the app
    does all of that on top.
Peak memory: the bench process (which also generated the data) and the largest pool
worker; the database server's is not counted.
"""

import argparse
import resource
import time
import uuid
from datetime import date

import psycopg

from api.subsidies import stay_repository
from api.subsidies.evaluation import evaluate_all
from bench.bench_roster import load as load_laborers
from bench.bench_subsidies import load_placements
from bench.common import bench_database, organization_id, peak_rss_mib

TODAY = date(2026, 11, 25)

# The repository's stays statement (its last part, for the app, lists irregular laborers
# apart), then the months and units of every current policy of the bureau.
_STAYS = stay_repository.STAYS_SQL.split("\nUNION ALL\n")[0]
BASELINE = f"""
WITH stay AS ({_STAYS}),
policy AS (
    SELECT id, kind, amount, months, requires_verification,
           CASE WHEN kind = 'monthly'
                THEN ceil(COALESCE(cap, amount * 120)::numeric / amount)::int ELSE 1 END AS units,
           CASE WHEN kind = 'monthly'
                THEN greatest(months, ceil(COALESCE(cap, amount * 120)::numeric / amount)::int)
                WHEN kind = 'milestone' THEN months ELSE 0 END AS needed,
           COALESCE(cap, amount * 120) AS cap
    FROM subsidy_policies WHERE tenant_id = :tenant AND NOT superseded
),
month AS (  -- the n-th month of a stay completes on its start plus n months, clamped
    SELECT s.laborer_id, s.stay_no, p.id AS policy_id, n,
           (s.started_on + n * interval '1 month')::date AS day,
           NOT p.requires_verification OR EXISTS (
               SELECT 1 FROM stay_verifications v
               WHERE v.laborer_id = s.laborer_id AND v.in_post
                 AND v.month = date_trunc('month',
                     (s.started_on + n * interval '1 month')::date - 1)::date
           ) AS counts
    FROM stay s CROSS JOIN policy p, generate_series(1, p.needed) n
    WHERE (s.started_on + n * interval '1 month')::date <= s.last_day
),
counted AS (
    SELECT laborer_id, stay_no, policy_id, count(*) AS elapsed,
           count(*) FILTER (WHERE counts) AS months,
           array_agg(day ORDER BY n) FILTER (WHERE counts) AS days
    FROM month GROUP BY laborer_id, stay_no, policy_id
),
unit AS (
    SELECT s.laborer_id, s.stay_no, p.id AS policy_id, s.last_day, s.last_ended_on,
           least(p.amount, p.cap - p.amount * (k - 1)) AS amount,
           CASE p.kind WHEN 'on_transfer' THEN 0 WHEN 'milestone' THEN p.months
                ELSE greatest(k, p.months) END AS wanted,
           s.started_on, COALESCE(c.months, 0) AS counted, COALESCE(c.elapsed, 0) AS elapsed,
           c.days
    FROM stay s CROSS JOIN policy p
    CROSS JOIN generate_series(1, p.units) k
    LEFT JOIN counted c
      ON c.laborer_id = s.laborer_id AND c.stay_no = s.stay_no AND c.policy_id = p.id
),
due AS (
    SELECT *, counted >= wanted AS earned,
           CASE WHEN wanted = 0 THEN started_on
                WHEN wanted <= counted THEN days[wanted]
                ELSE (started_on + (elapsed + wanted - counted) * interval '1 month')::date
           END AS due_on,
           last_day = :as_of AND (last_ended_on IS NULL OR last_ended_on >= :as_of) AS ongoing
    FROM unit
)
SELECT laborer_id, stay_no, policy_id, max(counted) AS months,
       sum(amount) FILTER (WHERE earned) AS earned, sum(amount) AS total,
       min(due_on) FILTER (WHERE NOT earned AND ongoing) AS next_due_on
FROM due GROUP BY laborer_id, stay_no, policy_id
"""


def baseline(admin_url: str, tenant_id: uuid.UUID) -> tuple[float, int]:
    with psycopg.connect(admin_url) as conn:
        policy = conn.execute(
            "SELECT max_gap_days, max_leave_days, destination_regions FROM subsidy_policies"
            " WHERE tenant_id = %s AND NOT superseded ORDER BY name LIMIT 1",
            (tenant_id,),
        ).fetchone()
        assert policy is not None
        areas = [f"{p}%" for p in policy[2] or []]
        params = {
            "lo": uuid.UUID(int=0),
            "hi": uuid.UUID(int=(1 << 128) - 1),
            "as_of": TODAY,
            "max_gap": policy[0],
            "max_leave": policy[1],
            "any_area": not areas,
            "areas": areas,
            "tenant": tenant_id,
        }
        sql = BASELINE
        for name in sorted(params, key=len, reverse=True):  # :named → psycopg's %(named)s
            sql = sql.replace(f":{name}", f"%({name})s")
        sql = sql.replace("%(as_of)s + 1", "%(as_of)s::date + 1")
        started = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        return time.perf_counter() - started, len(rows)


def worker_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="10000,100000")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    with bench_database() as db:
        tenant_id = organization_id(db, "巫山县人社局")
        for label in ("fixed cost, demo only (first)", "fixed cost, demo only (again)"):
            started = time.perf_counter()
            result = evaluate_all(db.settings, as_of=TODAY)
            print(f"{label}: {time.perf_counter() - started:.2f} s, {result.laborers} laborers")
        load_laborers(db.urls.admin, tenant_id, max(scales))
        placed = 0
        for scale in scales:
            count, _ = load_placements(db.urls.admin, tenant_id, scale - placed)
            placed = scale
            print(f"\n== {scale:,} laborers placed ({count:,} placements added) ==", flush=True)
            times = {}
            for label in ("first", "again"):
                started = time.perf_counter()
                result = evaluate_all(db.settings, as_of=TODAY)
                times[label] = time.perf_counter() - started
                print(
                    f"app evaluation, {label}: {times[label]:.1f} s,"
                    f" {result.laborers:,} laborers, {result.written:,} rows written",
                    flush=True,
                )
            plain, rows = min(baseline(db.urls.admin, tenant_id) for _ in range(2))
            print(f"same-arithmetic SQL, fetched: {plain:.1f} s, {rows:,} rows")
            print(
                f"ratio app / SQL: {times['first'] / plain:.1f}x first,"
                f" {times['again'] / plain:.1f}x again"
            )
            print(
                f"peak RSS: bench process {peak_rss_mib():.0f} MiB,"
                f" largest worker {worker_peak_mib():.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
