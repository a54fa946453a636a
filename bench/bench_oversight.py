"""The oversight figures on a county of a million laborers and a million placements
(issue 13's targets: the dashboard page 1 s at p95 warm, one indicator across 52 weeks by
township 300 ms, the 月调度 pack 10 s), each beside the hand-written SQL aggregate for
the same figures.

    .venv/bin/python -m bench.bench_oversight [--size N | --laborers N --placements N]
                                              [--runs 10] [--trend-runs N] [--pack-runs 3]
                                              [--skip-dashboard] [--skip-trend]
                                              [--skip-pack]

Loads LABORERS laborers into 巫山县人社局 across 20 townships, registered over the last
two years, and PLACEMENTS placements (at most one per laborer; starts spread over the
last two years, a tenth ended) with COPY, then VACUUM ANALYZE. Times, as wushan.staff
with RLS in force: GET /oversight for the year under way (the month trend of
`transfers`) in-process over HTTP; GET /api/v1/statistics for `registered` by week
across 52 weeks by township (and service.trend alone, its main part); the 月调度 pack
(GET /api/v1/reports/monthly-dispatch for the last complete month); and for each one
GROUP BY statement computing the same (for the pack: its main) figures, run in the same
kind of session. Figures are remembered between requests (api/oversight/figures.py):
"warm" runs ask again with nothing changed; "after a change" runs first log a change in
the county (as any write to its records does), so every figure is computed afresh, a
trend one grouped statement per figure over all its periods
(statistics_repository.values_by_period).
"""

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api import clock
from api.app import create_app
from api.db import Database
from api.demo.laborers import GIVEN, PLACES, SURNAMES
from api.oversight import packs, service
from api.oversight.periods import PeriodKind, periods_between
from bench.common import as_staff, bench_database
from shared_models import Organization, User
from tests.fixtures.world import ApiUser
from tests.web.helpers import sign_in

# The demo's eight townships of 巫山 and twelve more of the county's.
TOWNSHIPS = [*PLACES["500237"], "龙门街道", "高唐街道", "龙溪镇", "官阳镇", "抱龙镇",
             "铜鼓镇", "大溪乡", "曲尺乡", "红椿乡", "两坪乡", "笃坪乡", "当阳乡"]  # fmt: skip
REGIONS = ["370602", "370611", "370613", "370702", "370783", "500237"]
EMPLOYERS = ["烟台某电子有限公司", "烟台某食品有限公司", "潍坊某纺织有限公司", "烟台某海产品公司"]
DAYS = 730  # two years
FUNNEL = ("registered", "referrals", "hires", "in_post_3_months", "in_post_6_months")


def load(admin_url: str, tenant_id: uuid.UUID, laborers: int, placements: int) -> float:
    """COPY the laborers and their placements (one each, for the first PLACEMENTS), then
    VACUUM ANALYZE: the steady state autovacuum keeps."""
    rng = random.Random(13)
    today = clock.today()
    laborer_cols = (
        "id, tenant_id, version, name, id_number_cipher, id_number_hash, id_number_masked,"
        " id_number_tail, phone_cipher, phone_hash, phone_masked, sex, birth_date,"
        " region_code, township, village, poverty_status, education, health_status,"
        " two_after, employment_status, employment_need, skill_level,"
        " employment_difficulty, assistance_measure, transfer_willing, transfer_scope,"
        " entrepreneurship_intention, created_at, updated_at, expected_wage"
    )
    placement_cols = (
        "id, tenant_id, laborer_id, version, employer_name, region_code, city, channel,"
        " started_on, ended_on, separation_reason, created_at, updated_at"
    )
    started = time.perf_counter()
    with psycopg.connect(admin_url) as conn, psycopg.connect(admin_url) as pconn:
        for c in (conn, pconn):
            c.execute("SET session_replication_role = replica")
        with (
            conn.cursor().copy(f"COPY laborers ({laborer_cols}) FROM STDIN") as copy,
            pconn.cursor().copy(f"COPY placements ({placement_cols}) FROM STDIN") as pcopy,
        ):
            for n in range(laborers):
                lid = uuid.UUID(int=rng.getrandbits(128), version=4)
                township = TOWNSHIPS[n % len(TOWNSHIPS)]
                sex = rng.choice(("male", "female"))
                tail = f"{rng.randint(0, 9999):04d}"
                placed = n < placements
                start = today - timedelta(days=rng.randint(0, DAYS - 1))
                # Registered before (or on) the day the placement started, within the two years.
                registered = start - timedelta(days=rng.randint(0, 60)) if placed else start
                registered = max(registered, today - timedelta(days=DAYS - 1))
                created = datetime(registered.year, registered.month, registered.day, 2,
                                   tzinfo=UTC) + timedelta(minutes=rng.randint(0, 600))  # fmt: skip
                copy.write_row([
                    lid, tenant_id, 1, rng.choice(SURNAMES) + "".join(rng.sample(GIVEN[sex], 2)),
                    rng.randbytes(45), f"{rng.getrandbits(256):064x}", f"500237********{tail}",
                    tail, rng.randbytes(40), f"{rng.getrandbits(256):064x}", "138****0000", sex,
                    date(1968, 1, 1) + timedelta(days=rng.randint(0, 365 * 42)), "500237",
                    township, f"{township}一村", rng.choice(("lifted", "none", "monitored")),
                    "junior_high", "healthy", False, "employed" if placed else "unemployed",
                    "none", "none", "none", "none", False, None, False, created, created, None,
                ])  # fmt: skip
                if not placed:
                    continue
                ended = None
                if rng.random() < 0.1:
                    ended = min(today, start + timedelta(days=rng.randint(10, 200)))
                region = rng.choice(REGIONS)
                pcopy.write_row((
                    uuid.uuid4(), tenant_id, lid, 1, rng.choice(EMPLOYERS), region,
                    "巫山" if region == "500237" else "烟台",
                    rng.choice(("organized", "organized", "self_found")),
                    start, ended, "quit" if ended else None, created, created,
                ))  # fmt: skip
        conn.commit()
        pconn.commit()
        conn.autocommit = True
        for table in ("laborers", "placements"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


# The dashboard's trend and township spread (transfers in the year, by month and by
# township) in one statement.
DASHBOARD_SQL = """
SELECT date_trunc('month', p.started_on) AS month, l.township, count(DISTINCT p.laborer_id)
FROM placements p JOIN laborers l ON l.id = p.laborer_id
WHERE p.tenant_id = :tenant AND p.started_on BETWEEN :first AND :last
GROUP BY GROUPING SETS ((1), (2))
"""
# Registered laborers at the end of each of the weeks by township: new registrations by
# township and week (those before the first week in it), summed along the weeks.
WEEKLY_SQL = """
SELECT township, week, sum(n) OVER (PARTITION BY township ORDER BY week)
FROM (
    SELECT township,
           greatest(date_trunc('week', created_at AT TIME ZONE 'Asia/Shanghai'),
                    CAST(:first AS timestamp)) AS week,
           count(*) AS n
    FROM laborers
    WHERE tenant_id = :tenant AND created_at < :until
    GROUP BY 1, 2
) AS weekly
"""


# The pack's main figures in one pass: by township and in all, the register at the
# month end, transfers in the month, the month before and the year to date, and those
# in work at the month end.
PACK_SQL = """
SELECT l.township,
       count(DISTINCT l.id) FILTER (WHERE l.created_at < :until),
       count(p.id) FILTER (WHERE p.started_on BETWEEN :month_first AND :month_last),
       count(p.id) FILTER (WHERE p.started_on BETWEEN :before_first AND :before_last),
       count(p.id) FILTER (WHERE p.started_on BETWEEN :year_first AND :month_last),
       count(p.id) FILTER (WHERE p.started_on <= :month_last
                           AND (p.ended_on IS NULL OR p.ended_on >= :month_last))
FROM laborers l LEFT JOIN placements p ON p.laborer_id = l.id
WHERE l.tenant_id = :tenant
GROUP BY GROUPING SETS ((l.township), ())
"""


def _summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laborers", type=int, default=1_000_000)
    parser.add_argument("--placements", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, help="as many laborers and placements")
    parser.add_argument("--runs", type=int, default=10)
    # The 52-week trend is one query per week: at scale a run takes many seconds.
    parser.add_argument("--trend-runs", type=int, default=None)
    parser.add_argument("--pack-runs", type=int, default=3)
    parser.add_argument("--fresh-runs", type=int, default=2, help="runs after a change")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--skip-pack", action="store_true")
    parser.add_argument("--skip-trend", action="store_true")
    args = parser.parse_args()
    if args.size:
        args.laborers = args.placements = args.size
    placements = min(args.placements, args.laborers)  # one spell per laborer
    today = clock.today()
    with bench_database() as db:
        owner = Database(db.settings, as_owner=True)
        with owner.sessions() as s:
            tenant_id = s.scalars(
                select(Organization.id).where(Organization.name == "巫山县人社局")
            ).one()
            staff_id = s.scalars(select(User.id).where(User.username == "wushan.staff")).one()
        owner.dispose()
        seconds = load(db.urls.admin, tenant_id, args.laborers, placements)
        print(f"loaded {args.laborers:,} laborers and {placements:,} placements (COPY)"
              f" in {seconds:.0f} s", flush=True)  # fmt: skip
        database = Database(db.settings)

        def in_session(work: Callable) -> float:  # type: ignore[type-arg]
            with as_staff(database, (tenant_id, staff_id)) as (session, access):
                started = time.perf_counter()
                work(session, access)
                return time.perf_counter() - started

        def measure(work: Callable, runs: int = args.runs) -> list[float]:  # type: ignore[type-arg]
            work()  # warm: plans, caches, the buffer pool, the remembered figures
            return [work() for _ in range(runs)]

        def changed() -> None:
            """A change in the county, as a write to its records logs it (migration 0017)."""
            with psycopg.connect(db.urls.admin.replace("+psycopg", ""), autocommit=True) as c:
                c.execute(
                    "INSERT INTO stat_changes (tenant_id, source) VALUES (%s, 'bench')",
                    (tenant_id,),
                )

        def after_change(work: Callable) -> list[float]:  # type: ignore[type-arg]
            samples = []
            for _ in range(args.fresh_runs):
                changed()
                samples.append(work())
            return samples

        first, last = date(today.year, 1, 1), today
        weeks_from = today - timedelta(weeks=51)
        weeks = periods_between(PeriodKind.WEEK, weeks_from, today)
        print(f"\n{args.laborers:,} laborers, {placements:,} placements, {len(TOWNSHIPS)}"
              f" townships, {args.runs} warm runs each (ms)")  # fmt: skip
        print(f"{'figure':52s} {'median':>8s} {'p95':>8s} {'target':>7s}"
              f" {'SQL med':>8s} {'SQL p95':>8s} {'ratio':>6s}", flush=True)  # fmt: skip

        def report(label: str, samples: list[float], raw: list[float], target: str) -> None:
            median, p95 = _summary(samples)
            line = f"{label:52s} {median:8.1f} {p95:8.1f} {target:>7s}"
            if raw:
                raw_median, raw_p95 = _summary(raw)
                line += f" {raw_median:8.1f} {raw_p95:8.1f} {median / raw_median:5.1f}x"
            print(line, flush=True)

        if not args.skip_dashboard:
            with TestClient(create_app(db.settings)) as client:
                sign_in(client, "wushan.staff")
                params = {"year": str(today.year), "indicator": "transfers", "period": "month"}

                def page() -> float:
                    started = time.perf_counter()
                    response = client.get("/oversight", params=params)
                    assert response.status_code == 200, response.status_code
                    return time.perf_counter() - started

                dashboard = measure(page)
                dashboard_fresh = after_change(page)
            raw_dashboard = measure(
                lambda: in_session(
                    lambda s, _a: s.execute(
                        text(DASHBOARD_SQL), {"tenant": tenant_id, "first": first, "last": last}
                    ).all()
                )
            )
            report(
                "GET /oversight (year, month trend of transfers)", dashboard, raw_dashboard, "1000"
            )
            report("  the same, after a change", dashboard_fresh, raw_dashboard, "")

            # The page's parts, to see where its time goes.
            for label, work in {
                "  of which: trend of transfers, 12 months": lambda s, a: service.trend(
                    s,
                    a,
                    "transfers",
                    PeriodKind.MONTH,
                    first,
                    date(today.year, 12, 31),
                    today=today,
                ),
                "  of which: transfers by township, the year": lambda s, a: service.statistic(
                    s, a, "transfers", first, last, by_township=True
                ),
                "  of which: the funnel (5 indicators)": lambda s, a: [
                    service.statistic(s, a, code, first, last) for code in FUNNEL
                ],
                "  of which: the retention curve (12 months)": lambda s, a: service.retention_curve(
                    s, a, first, date(today.year, 12, 31), today
                ),
            }.items():
                report(label, measure(lambda w=work: in_session(w)), [], "")

        if not args.skip_trend:
            trend_runs = args.trend_runs or args.runs
            raw_trend = measure(
                lambda: in_session(
                    lambda s, _a: s.execute(
                        text(WEEKLY_SQL),
                        {
                            "tenant": tenant_id,
                            "first": weeks[0].start,
                            "until": clock.start_of_day(today + timedelta(days=1)),
                        },
                    ).all()
                ),
                trend_runs,
            )
            with TestClient(create_app(db.settings)) as client:
                api = ApiUser(client, "wushan.staff")
                weekly = {
                    "indicator": "registered",
                    "period": "week",
                    "from": weeks_from.isoformat(),
                    "to": today.isoformat(),
                    "by": "township",
                }

                def statistics_api() -> float:
                    started = time.perf_counter()
                    response = api.get("/api/v1/statistics", params=weekly)
                    assert response.status_code == 200, response.text
                    assert len(response.json()["values"]) == len(weeks)
                    return time.perf_counter() - started

                report(
                    f"GET /api/v1/statistics registered, {len(weeks)} weeks by township",
                    measure(statistics_api, trend_runs),
                    raw_trend,
                    "300",
                )
                report("  the same, after a change", after_change(statistics_api), raw_trend, "")
            trend = measure(
                lambda: in_session(
                    lambda s, a: service.trend(
                        s,
                        a,
                        "registered",
                        PeriodKind.WEEK,
                        weeks_from,
                        today,
                        today=today,
                        by_township=True,
                    )
                ),
                trend_runs,
            )
            report(f"  of which: service.trend, {len(weeks)} weeks by township", trend, [], "")

        if not args.skip_pack:
            month = packs.last_complete_month(today)
            before = month.previous()
            raw_pack = measure(
                lambda: in_session(
                    lambda s, _a: s.execute(
                        text(PACK_SQL),
                        {
                            "tenant": tenant_id,
                            "until": clock.start_of_day(month.end + timedelta(days=1)),
                            "month_first": month.start,
                            "month_last": month.end,
                            "before_first": before.start,
                            "before_last": before.end,
                            "year_first": date(month.start.year, 1, 1),
                        },
                    ).all()
                ),
                args.pack_runs,
            )
            with TestClient(create_app(db.settings)) as client:
                api = ApiUser(client, "wushan.staff")

                def pack() -> float:
                    started = time.perf_counter()
                    response = api.get(
                        "/api/v1/reports/monthly-dispatch", params={"period": month.code}
                    )
                    assert response.status_code == 200, response.text
                    return time.perf_counter() - started

                report(
                    f"GET /api/v1/reports/monthly-dispatch {month.code} (月调度)",
                    measure(pack, args.pack_runs),
                    raw_pack,
                    "10000",
                )
                report("  the same, after a change", after_change(pack), raw_pack, "")
        database.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
