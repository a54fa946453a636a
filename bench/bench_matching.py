"""Matching on a full pool and a full county (issue 4's targets: a laborer's top 20
vacancies within 50 ms median, a vacancy's top 50 laborers within 300 ms).

    .venv/bin/python -m bench.bench_matching [--vacancies 100000] [--laborers 1000000]
                                             [--runs 30] [--explain]

Loads VACANCIES open vacancies (and a fifth as many paused, filled or expired ones) of
about VACANCIES / 20 employers into 烟台市人社局 and LABORERS laborers into 巫山县人社局
with COPY (superuser, in a child process so that its memory is not the bench's), then
refreshes statistics. It samples RUNS laborers and RUNS vacancies of varied kinds and
times, as wushan.staff through the service layer with RLS in force, one transaction each
like a request (each asked twice, the second timed): the tiered search and the
brute-force one (score everything), after checking that both give the same answer.
`--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every statement of the slowest laborer
and the slowest vacancy.
"""

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import psycopg
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, build_access_context
from api.db import Database, apply_access
from api.demo.laborers import SKILLS
from api.matching import service
from bench.common import bench_database, peak_rss_mib
from bench.matching_load import HOME, load_all

# --- samples -----------------------------------------------------------------------------------

AVAILABLE = "(l.employment_status IN ('unemployed', 'farming') OR l.employment_need = 'job')"
SKILLED = "EXISTS (SELECT 1 FROM laborer_tags t WHERE t.laborer_id = l.id AND t.kind = 'skill')"
LABORER_KINDS = {
    "willing, anywhere, skilled": f"l.transfer_scope = 'out_of_province' AND {SKILLED}",
    "willing, anywhere, no skill": f"l.transfer_scope = 'out_of_province' AND NOT {SKILLED}",
    "willing, in province": "l.transfer_scope = 'in_province'",
    "willing, in county": "l.transfer_scope = 'in_county'",
    "not willing, skilled": f"NOT l.transfer_willing AND {SKILLED}",
    "not willing, no skill": f"NOT l.transfer_willing AND NOT {SKILLED}",
}
SKILL_NAMES = ", ".join(f"'{s.name}'" for s in SKILLS)
OPEN = (
    "v.status = 'open' AND v.filled < v.headcount AND v.valid_from <= %(today)s"
    " AND (v.valid_until IS NULL OR v.valid_until >= %(today)s)"
)
VACANCY_KINDS = {
    "烟台, a skill, with its code": "v.city = '烟台' AND v.occupation_code IS NOT NULL",
    "烟台, a skill, no code": f"v.city = '烟台' AND v.occupation_code IS NULL"
    f" AND v.occupation_name IN ({SKILL_NAMES})",
    "烟台, general work (普工 …)": f"v.city = '烟台' AND v.occupation_name NOT IN ({SKILL_NAMES})",
    "潍坊, a skill": f"v.city = '潍坊' AND v.occupation_name IN ({SKILL_NAMES})",
    "潍坊, general work": f"v.city = '潍坊' AND v.occupation_name NOT IN ({SKILL_NAMES})",
    f"巫山 ({HOME}), at home": f"v.region_code = '{HOME}'",
}


def _sample(admin_url: str, sql: str, kinds: dict[str, str], runs: int,
            params: dict[str, object]) -> list[tuple[str, uuid.UUID]]:  # fmt: skip
    per_kind = -(-runs // len(kinds))
    picked: list[tuple[str, uuid.UUID]] = []
    with psycopg.connect(admin_url) as conn:
        for kind, condition in kinds.items():
            rows = conn.execute(sql.format(condition), {**params, "n": per_kind}).fetchall()
            picked += [(kind, row[0]) for row in rows]
    return picked[:runs]


def sample_laborers(admin_url: str, tenant_id: uuid.UUID, runs: int) -> list[tuple[str, uuid.UUID]]:
    # Ordered by a random UUID: a random sample, the same every run.
    sql = (
        f"SELECT l.id FROM laborers l WHERE l.tenant_id = %(tenant)s AND {AVAILABLE}"
        " AND l.employment_status NOT IN ('student', 'unable') AND {} ORDER BY l.id LIMIT %(n)s"
    )
    return _sample(admin_url, sql, LABORER_KINDS, runs, {"tenant": tenant_id})


def sample_vacancies(admin_url: str, today: date, runs: int) -> list[tuple[str, uuid.UUID]]:
    sql = f"SELECT v.id FROM vacancies v WHERE {OPEN} AND {{}} ORDER BY v.id LIMIT %(n)s"
    return _sample(admin_url, sql, VACANCY_KINDS, runs, {"today": today})


# --- timing ------------------------------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    parameters: object
    seconds: float = 0.0

    @property
    def is_ranking(self) -> bool:
        return " AS score" in self.sql


@dataclass
class Timing:
    kind: str
    id: uuid.UUID
    seconds: dict[bool, float] = field(default_factory=dict)  # brute_force → seconds
    statements: dict[bool, list[Statement]] = field(default_factory=dict)
    found: int = 0
    best: int | None = None


@contextmanager
def recording(database: Database) -> Iterator[list[Statement]]:
    """The statements the engine runs meanwhile, with their parameters and durations."""
    seen: list[Statement] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(Statement(statement, parameters, time.perf_counter()))

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen[-1].seconds = time.perf_counter() - seen[-1].seconds

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)


class Bench:
    def __init__(self, database: Database, tenant_id: uuid.UUID, staff_id: uuid.UUID) -> None:
        self.database = database
        self.tenant_id = tenant_id
        self.staff_id = staff_id

    def access(self, session: Session) -> AccessContext:
        access = build_access_context(
            session, tenant_id=self.tenant_id, role="staff", can_reveal_pii=False,
            user_id=self.staff_id, actor_label="wushan.staff",
        )  # fmt: skip
        apply_access(session, access)
        return access

    def request(
        self, call: Callable[[Session, AccessContext], list[tuple[uuid.UUID, int]]]
    ) -> tuple[float, list[tuple[uuid.UUID, int]], list[Statement]]:
        """One request: its own transaction, timed from the access context on."""
        with self.database.transaction() as session:
            access = self.access(session)
            with recording(self.database) as statements:
                started = time.perf_counter()
                result = call(session, access)
                elapsed = time.perf_counter() - started
        return elapsed, result, statements

    def explain(self, statements: list[Statement]) -> None:
        with self.database.transaction() as session:
            self.access(session)
            raw = session.connection().connection.dbapi_connection
            assert raw is not None
            for recorded in statements:
                statement, parameters = recorded.sql, recorded.parameters
                if statement.lstrip().upper().startswith("SET"):  # SET LOCAL jit = off
                    session.execute(text(statement))
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                print("\n" + statement % {k: repr(v) for k, v in dict(parameters).items()})
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    for (line,) in cursor.fetchall():
                        print("    " + line)


def for_laborer(laborer_id: uuid.UUID, brute: bool, today: date):  # type: ignore[no-untyped-def]
    def call(session: Session, access: AccessContext) -> list[tuple[uuid.UUID, int]]:
        _lab, matches = service.for_laborer(
            session, access, laborer_id, today=today, brute_force=brute
        )
        return [(m.vacancy.id, m.score) for m in matches.items]

    return call


def for_vacancy(vacancy_id: uuid.UUID, brute: bool, today: date):  # type: ignore[no-untyped-def]
    def call(session: Session, access: AccessContext) -> list[tuple[uuid.UUID, int]]:
        _vac, matches = service.for_vacancy(
            session, access, vacancy_id, today=today, brute_force=brute
        )
        return [(m.laborer.id, m.score) for m in matches.items]

    return call


def run(bench: Bench, samples: list[tuple[str, uuid.UUID]], make, today: date) -> list[Timing]:  # type: ignore[no-untyped-def]
    timings = []
    for kind, sample_id in samples:
        timing = Timing(kind, sample_id)
        answers = {}
        for brute in (False, True):
            bench.request(make(sample_id, brute, today))  # warm: as the second of two requests
            seconds, answers[brute], statements = bench.request(make(sample_id, brute, today))
            timing.seconds[brute] = seconds
            timing.statements[brute] = statements
        assert answers[False] == answers[True], (kind, sample_id)  # exact, not approximate
        timing.found = len(answers[False])
        timing.best = answers[False][0][1] if answers[False] else None
        timings.append(timing)
        print(f"  {kind:34s} {timing.seconds[False] * 1000:8.1f} ms"
              f"  (brute force {timing.seconds[True] * 1000:8.1f} ms)"
              f"  {timing.found:2d} found, best {timing.best};"
              f" ranking queries (ms): {_queries(timing.statements[False])}  {str(sample_id)[:8]}",
              flush=True)  # fmt: skip
    return timings


def _queries(statements: list[Statement]) -> str:
    return " ".join(f"{s.seconds * 1000:.0f}" for s in statements if s.is_ranking)


def _ms(samples: list[float]) -> tuple[float, float]:
    """Median and p95 in milliseconds (p95 as the other benches take it)."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def report(title: str, timings: list[Timing]) -> None:
    """All samples (median, p95), then each kind (median, slowest)."""
    print(f"\n{title}")
    tiered = _ms([t.seconds[False] for t in timings])
    brute = _ms([t.seconds[True] for t in timings])
    print(f"  {'all':34s} n={len(timings):2d}  median {tiered[0]:6.1f} ms, p95 {tiered[1]:6.1f} ms"
          f"  | brute force median {brute[0]:6.1f} ms, p95 {brute[1]:6.1f} ms")  # fmt: skip
    kinds: dict[str, list[Timing]] = {}
    for t in timings:
        kinds.setdefault(t.kind, []).append(t)
    for kind, group in kinds.items():
        mine = [t.seconds[False] * 1000 for t in group]
        theirs = [t.seconds[True] * 1000 for t in group]
        print(f"  {kind:34s} n={len(group):2d}  median {statistics.median(mine):6.1f} ms,"
              f" max {max(mine):6.1f} ms | brute force median {statistics.median(theirs):6.1f} ms,"
              f" max {max(theirs):6.1f} ms")  # fmt: skip


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--laborers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="laborers and vacancies sampled")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    today = clock.today()
    with bench_database() as db:
        loaded = load_all(db, args.vacancies, args.laborers, today)
        ids, staff_id = loaded.ids, loaded.staff_id
        vacancy_s, laborer_s, loader_rss = (
            loaded.vacancy_seconds,
            loaded.laborer_seconds,
            loaded.loader_rss_mib,
        )
        print(f"loaded {args.vacancies:,} open vacancies (+{args.vacancies // 5:,} closed,"
              f" {max(1, args.vacancies // 20):,} employers) in {vacancy_s:.0f} s and"
              f" {args.laborers:,} laborers in {laborer_s:.0f} s (COPY and VACUUM ANALYZE;"
              f" loader peak RSS {loader_rss:.0f} MiB)", flush=True)  # fmt: skip
        with psycopg.connect(db.urls.admin) as conn:
            for table in ("vacancies", "vacancy_skills", "employers", "laborers", "laborer_tags"):
                rows, size = conn.execute(
                    "SELECT reltuples::bigint, pg_size_pretty(pg_total_relation_size(oid))"
                    " FROM pg_class WHERE relname = %s",
                    (table,),
                ).fetchone()
                print(f"  {table}: {rows:,} rows, {size} with indexes")
            for index in ("ix_laborers_matching", "ix_laborers_matching_region",
                          "ix_laborer_tags_code"):  # fmt: skip
                size = conn.execute("SELECT pg_size_pretty(pg_relation_size(%s::regclass))",
                                    (index,)).fetchone()  # fmt: skip
                print(f"  {index}: {size[0] if size else '?'}")
        database = Database(db.settings)
        bench = Bench(database, ids["wushan"], staff_id)
        with database.transaction() as session:  # the app role under RLS sees the pool
            bench.access(session)
            visible = session.execute(text("SELECT count(*) FROM vacancies")).scalar_one()
        print(f"  visible to wushan.staff: {visible:,} vacancies")
        print(f"  before timing: {_load()}", flush=True)
        laborers = sample_laborers(db.urls.admin, ids["wushan"], args.runs)
        vacancies = sample_vacancies(db.urls.admin, today, args.runs)
        print(f"\ntop {service.VACANCY_LIMIT} vacancies for a laborer ({len(laborers)} laborers)")
        by_laborer = run(bench, laborers, for_laborer, today)
        print(f"\ntop {service.LABORER_LIMIT} laborers for a vacancy ({len(vacancies)} vacancies)")
        by_vacancy = run(bench, vacancies, for_vacancy, today)
        print(f"\n  after timing: {_load()}")
        report(f"top {service.VACANCY_LIMIT} vacancies for a laborer", by_laborer)
        report(f"top {service.LABORER_LIMIT} laborers for a vacancy", by_vacancy)
        print(f"\nbench peak RSS {peak_rss_mib():.0f} MiB"
              f" (the load's child: {loader_rss:.0f} MiB)")  # fmt: skip
        if args.explain:
            for timings in (by_laborer, by_vacancy):
                slowest = max(timings, key=lambda t: t.seconds[False])
                print(f"\n=== slowest: {slowest.kind} {slowest.id}"
                      f" ({slowest.seconds[False] * 1000:.1f} ms)")  # fmt: skip
                bench.explain(slowest.statements[False])
        database.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
