"""A village's job handbook for 1,000 households on the matching bench's data (issue 4's
target: 60 s), with 100,000 open vacancies and 1,000,000 laborers.

    .venv/bin/python -m bench.bench_handbook [--vacancies 100000] [--laborers 1000000]

After bench_matching's load, 3,000 of the county's laborers are moved into one township
in households of three (so the handbook has 1,000 households of the register's usual
mix), then the handbook is made as wushan.staff: through the service, and as the page
a user prints (HTTP in-process, HTML rendered).
"""

import argparse
import time

import psycopg
from fastapi.testclient import TestClient

from api import clock
from api.access import build_access_context
from api.app import create_app
from api.db import Database, apply_access
from api.handbook import service
from api.supply.rosters import RosterFilter
from bench.common import bench_database, peak_rss_mib
from bench.matching_load import load_all
from tests.web.helpers import sign_in

TOWNSHIP = "手册测试乡"
HOUSEHOLDS = 1_000


def _households(admin_url: str, tenant_id: object) -> None:
    with psycopg.connect(admin_url) as conn:
        conn.execute(
            "WITH picked AS (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS n"
            " FROM laborers WHERE tenant_id = %s ORDER BY id LIMIT %s)"
            " UPDATE laborers l SET township = %s, village = '村' || (picked.n / 300),"
            " household_head = '户主' || (picked.n / 3) FROM picked WHERE l.id = picked.id",
            (tenant_id, HOUSEHOLDS * 3, TOWNSHIP),
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE laborers")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--laborers", type=int, default=1_000_000)
    args = parser.parse_args()
    today = clock.today()
    with bench_database() as db:
        loaded = load_all(db, args.vacancies, args.laborers, today)
        ids, staff_id = loaded.ids, loaded.staff_id
        vacancy_s, laborer_s = loaded.vacancy_seconds, loaded.laborer_seconds
        print(f"loaded {args.vacancies:,} vacancies in {vacancy_s:.0f} s and"
              f" {args.laborers:,} laborers in {laborer_s:.0f} s", flush=True)  # fmt: skip
        _households(db.urls.admin, ids["wushan"])
        database = Database(db.settings)
        for run in range(2):
            with database.transaction() as session:
                access = build_access_context(
                    session, tenant_id=ids["wushan"], role="staff", can_reveal_pii=False,
                    user_id=staff_id, actor_label="wushan.staff",
                )  # fmt: skip
                apply_access(session, access)
                started = time.perf_counter()
                book = service.build(
                    session, access, RosterFilter(township=TOWNSHIP), title="bench", today=today
                )
                elapsed = time.perf_counter() - started
            print(f"service, run {run + 1}: {elapsed:.1f} s for {len(book.households):,}"
                  f" households, {book.laborers:,} laborers, {book.seekers:,} seeking work,"
                  f" {book.profiles:,} distinct profiles searched,"
                  f" {book.vacancies:,} vacancies suggested", flush=True)  # fmt: skip
        client = TestClient(create_app(db.settings, database=database))
        sign_in(client, "wushan.staff")
        started = time.perf_counter()
        page = client.get("/handbook", params={"make": "true", "township": TOWNSHIP})
        elapsed = time.perf_counter() - started
        assert page.status_code == 200, page.text[:500]
        sections = page.text.count('class="household"')
        print(f"page (HTTP, HTML rendered): {elapsed:.1f} s,"
              f" {len(page.content) / 1e6:.1f} MB of HTML, {sections:,} households")  # fmt: skip
        print(f"peak RSS {peak_rss_mib():.0f} MiB")
        database.dispose()


if __name__ == "__main__":
    main()
