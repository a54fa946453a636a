"""Plans on hot paths (issue 15): EXPLAIN (ANALYZE, BUFFERS) of the roster's and the
vacancy pool's statements, before and after, in one run.

    .venv/bin/python -m bench.bench_plans [--laborers 100000] [--vacancies 100000] [--runs 5]

Loads LABORERS rows into 巫山县人社局 (bench_roster's COPY) and VACANCIES into a bureau
whose pool 巫山 reads, then, as wushan.staff with row security in force, captures the
SQL the repositories send and replays each statement under EXPLAIN (ANALYZE, BUFFERS):
warm (one unmeasured run first), the median execution time of `--runs`. "Before" is the
statement as it was (the tag EXISTS without tenant_id, full counts, the pool joined to
employers twice and sorted by created_at then id ascending) without the indexes of
migration 0020, dropped for it and created again; "after" is the code as it is.
"""

import argparse
import os
import statistics
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
from sqlalchemy import event, exists, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from api import clock, cursor
from api.access import AccessContext, DataKind
from api.db import Database
from api.demand import pool_reads
from api.demand import repository as demand_repository
from api.demand.pool import PoolFilter, filter_conditions, sort_types
from api.supply import repository
from api.supply.rosters import RosterFilter, SortKey, order_by
from bench.bench_roster import load, wushan_staff
from bench.common import as_staff, bench_database, peak_rss_mib
from shared_models import Employer, Laborer, LaborerTag, Vacancy
from shared_models.enums import TagKind

NEW_INDEXES = {
    "ix_vacancies_open_newest": "(created_at, id)",
    "ix_vacancies_open_wage": "(wage_max, wage_min, id)",
    "ix_vacancies_open_closing": "(valid_until, id)",
}
CAP = 10_000
CHILD_ROWS = ("SELECT vacancy_skills.", "SELECT laborer_tags.")
SKILL = RosterFilter(skill="焊工", sort=SortKey.AGE)


def load_vacancies(admin_url: str, tenant_id: uuid.UUID, count: int) -> None:
    """`count` vacancies of the tenant's employers: 60 % open, the rest filled, paused or
    expired; about a third without an end date; three at a time share a created_at
    (rows of one import), so the id decides among them."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            """
            INSERT INTO vacancies (id, tenant_id, employer_id, version, title, occupation_name,
                headcount, filled, wage_min, wage_max, city, region_code, threshold,
                offers_housing, offers_meals, offers_transport, offers_insurance,
                valid_from, valid_until, status, created_at, updated_at)
            SELECT gen_random_uuid(), %(tenant)s, e.ids[1 + i %% cardinality(e.ids)], 1,
                '岗位 ' || i, '普工', 10, CASE WHEN i %% 10 = 3 THEN 10 ELSE i %% 5 END,
                3000 + (i %% 30) * 100, 3000 + (i %% 30) * 100 + (i %% 7) * 200,
                (ARRAY['宁波', '杭州', '温州', '绍兴'])[1 + i %% 4], '330200',
                (ARRAY['none', 'low', 'skilled'])[1 + i %% 3],
                i %% 2 = 0, i %% 3 = 0, i %% 5 = 0, i %% 4 = 0,
                date '2025-06-01' + (i %% 400),
                CASE WHEN i %% 3 = 0 THEN NULL ELSE date '2026-10-01' + (i %% 500) END,
                (ARRAY['open', 'open', 'open', 'open', 'open', 'open', 'filled', 'paused',
                       'expired', 'expired'])[1 + (i * 7) %% 10],
                timestamptz '2025-06-01 08:00+08' + (i / 3) * interval '7 minutes',
                now()
            FROM generate_series(1, %(n)s) AS i,
                (SELECT array_agg(id) AS ids FROM employers WHERE tenant_id = %(tenant)s) AS e
            """,
            {"tenant": tenant_id, "n": count},
        )
        conn.execute("VACUUM ANALYZE vacancies")


@contextmanager
def captured(session: Session) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements the session sends meanwhile, with their parameters."""
    found: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def remember(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def explain(session: Session, statement: str, parameters: Any, runs: int) -> tuple[float, str]:
    """Median execution time (ms) and the plan's key lines."""
    times, plan = [], []
    for _ in range(runs + 1):  # the first warms the cache
        rows = session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        )
        plan = [r[0] for r in rows]
        times.append(float(plan[-1].split()[-2]))
    keys = [line.strip() for line in plan if "->" in line or line == plan[0]][:6]
    return statistics.median(times[1:]), "\n      ".join(keys)


def _old_skill(access: AccessContext) -> list[Any]:
    """The skill filter as it was: the tag EXISTS named no tenant."""
    tag = exists(
        select(LaborerTag.id).where(
            LaborerTag.laborer_id == Laborer.id,
            LaborerTag.kind == TagKind.SKILL,
            LaborerTag.value == SKILL.skill,
        )
    )
    return [*repository.matching(access, RosterFilter()), tag]


def _old_pool(session: Session, access: AccessContext, today: date, offset: int = 0) -> None:
    session.scalars(
        select(Vacancy)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .options(joinedload(Vacancy.employer), selectinload(Vacancy.skills))
        .where(demand_repository.vacancy_visible(access), *filter_conditions(PoolFilter(), today))
        .order_by(Vacancy.created_at.desc(), Vacancy.id)
        .offset(offset)
        .limit(50)
    ).all()


def cases(access: AccessContext, today: date) -> dict[str, tuple[Callable[[Session], Any], ...]]:
    """Each case: (before, after), each a call that sends the statement(s)."""
    skill_page: Callable[[Session], Any] = lambda s: s.scalars(  # noqa: E731
        select(Laborer).where(*_old_skill(access)).order_by(*order_by(SKILL)).limit(50)
    ).all()
    return {
        "roster count, skill 焊工": (
            lambda s: s.scalar(
                select(func.count()).select_from(Laborer).where(*_old_skill(access))
            ),
            lambda s: repository.count(s, access, SKILL, cap=CAP),
        ),
        "roster page, skill 焊工 by age": (
            skill_page,
            lambda s: repository.page(s, access, SKILL, offset=0, limit=50),
        ),
        "roster count, all": (
            lambda s: repository.count(s, access, RosterFilter()),
            lambda s: repository.count(s, access, RosterFilter(), cap=CAP),
        ),
        "pool default page (rows)": (
            lambda s: _old_pool(s, access, today),
            lambda s: demand_repository.vacancies(
                s, access, PoolFilter(), today, offset=0, limit=51
            ),
        ),
        "pool count": (
            lambda s: demand_repository.count_vacancies(s, access, PoolFilter(), today),
            lambda s: demand_repository.count_vacancies(s, access, PoolFilter(), today, CAP),
        ),
        "pool page 40: offset before, keyset after": (
            lambda s: _old_pool(s, access, today, offset=39 * 50),
            lambda s: demand_repository.vacancies(
                s, access, PoolFilter(), today, offset=0, limit=51, after=_page_40(access)
            ),
        ),
    }


def _page_40(access: AccessContext) -> list[Any]:
    """Where page 40 starts, from the cursor a reader paging through would hold (taken
    beforehand: only the page's own statement is explained)."""
    token = CURSORS[access.tenant_id] or ""
    return cursor.decode(token, "pool:newest", sort_types(PoolFilter()))


CURSORS: dict[uuid.UUID, str | None] = {}


def measure(database: Database, ids: tuple[uuid.UUID, uuid.UUID], which: int, runs: int) -> None:
    tenant_id = ids[0]
    with as_staff(database, ids) as (session, access):
        today = clock.today()
        if tenant_id not in CURSORS:
            page = pool_reads.pool(session, access, PoolFilter(), page=1, page_size=50)
            for _ in range(38):
                page = pool_reads.pool(session, access, PoolFilter(), after=page.next_after)
            CURSORS[tenant_id] = page.next_after
        for label, calls in cases(access, today).items():
            with captured(session) as statements:
                calls[which](session)
            total = 0.0
            print(f"  {label}")
            for statement, parameters in statements:
                if statement.lstrip().startswith(CHILD_ROWS):
                    continue  # the 50 rows' tags or skills: the same before and after
                ms, plan = explain(session, statement, parameters, runs)
                total += ms
                print(f"    {ms:8.2f} ms  {plan}")
            print(f"    = {total:.2f} ms", flush=True)


def jit(database: Database, ids: tuple[uuid.UUID, uuid.UUID], runs: int) -> None:
    """The full count of the roster (the heaviest roster statement) with jit on and off."""
    for setting in ("on", "off"):
        with as_staff(database, ids) as (session, access):
            session.connection().exec_driver_sql(f"SET LOCAL jit = {setting}")
            with captured(session) as statements:
                session.scalar(select(func.count()).select_from(Laborer).where(*_old_skill(access)))
            ms, plan = explain(session, *statements[0], runs)
            jit_line = "JIT: compiled" if "JIT" in plan else "no JIT"
            print(f"  jit={setting}: {ms:8.2f} ms  ({jit_line})  {plan.splitlines()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laborers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_database() as db:
        ids = wushan_staff(db.settings)
        database = Database(db.settings)
        with as_staff(database, ids) as (_session, access):
            readable = access.read_ids(DataKind.DEMAND) - {ids[0]}
        with psycopg.connect(db.urls.admin) as conn:
            poster = conn.execute(
                "SELECT tenant_id FROM employers WHERE tenant_id = ANY(%s)"
                " GROUP BY tenant_id ORDER BY count(*) DESC LIMIT 1",
                [list(readable)],
            ).fetchone()[0]  # type: ignore[index]
        seconds = load(db.urls.admin, ids[0], args.laborers)
        load_vacancies(db.urls.admin, poster, args.vacancies)
        print(f"{args.laborers:,} laborers ({seconds:.0f} s) and {args.vacancies:,} vacancies"
              f" loaded; EXPLAIN (ANALYZE, BUFFERS), median of {args.runs} warm runs")  # fmt: skip
        with psycopg.connect(db.urls.admin, autocommit=True) as conn:
            for name in NEW_INDEXES:
                conn.execute(f"DROP INDEX {name}")
        print("BEFORE (old statements, without the indexes of migration 0020)")
        measure(database, ids, 0, args.runs)
        with psycopg.connect(db.urls.admin, autocommit=True) as conn:
            for name, columns in NEW_INDEXES.items():
                conn.execute(f"CREATE INDEX {name} ON vacancies {columns} WHERE status = 'open'")
            conn.execute("ANALYZE vacancies")
        print("AFTER")
        measure(database, ids, 1, args.runs)
        print("JIT, skill count as it was (request transactions set jit = off)")
        jit(database, ids, args.runs)
        print(f"peak RSS of this process {peak_rss_mib():.0f} MiB")
        database.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
