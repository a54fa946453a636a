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
import multiprocessing
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import psycopg
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, build_access_context
from api.db import Database, apply_access
from api.demo.laborers import INDUSTRIES, SKILLS
from api.matching import service
from bench.bench_roster import load as load_laborers
from bench.common import bench_database, peak_rss_mib
from shared_models import Organization, User
from shared_models.validators import city_name
from shared_models.validators.credit_code import with_check_character

YANTAI = ["370602", "370611", "370612", "370613", "370614", "370681", "370682", "370683",
          "370685", "370686", "370687"]  # fmt: skip
WEIFANG = ["370702", "370703", "370704", "370705", "370724", "370725", "370781", "370782",
           "370783", "370784", "370785", "370786"]  # fmt: skip
HOME = "500237"  # 巫山: workshops at home, posted in the shared pool
CODES = {s.name: s.code for s in SKILLS}
# What each industry hires, with weights: the laborers' skill vocabulary, and general work
# (普工 and the like) that no laborer lists as a skill.
HIRES: dict[str, list[tuple[str, int]]] = {
    "制造业": [("普工", 30), ("装配工", 15), ("焊工", 15), ("电工", 10), ("叉车司机", 10),
             ("缝纫工", 5)],
    "建筑业": [("建筑木工", 35), ("焊工", 20), ("电工", 20), ("普工", 25)],
    "餐饮服务": [("中式烹调师", 30), ("中式面点师", 20), ("服务员", 35), ("茶艺师", 10),
              ("保洁员", 5)],
    "家政服务": [("家政服务员", 35), ("养老护理员", 25), ("育婴员", 20), ("保洁员", 15),
              ("美容师", 5)],
    "电子": [("普工", 45), ("装配工", 30), ("电工", 15), ("叉车司机", 10)],
    "纺织服装": [("缝纫工", 60), ("普工", 30), ("叉车司机", 10)],
    "物流": [("叉车司机", 35), ("普工", 45), ("电工", 5), ("保洁员", 15)],
}  # fmt: skip
INDUSTRY_WEIGHTS = [30, 15, 15, 10, 12, 10, 8]  # in the order of INDUSTRIES
EMPLOYER_WORDS = "华鑫恒泰瑞丰盛宏达兴隆祥和源通海诚信德利康运远东方晟宇"
NOT_OPEN = ("paused", "filled", "expired")


def _employer_region(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(YANTAI)
    return rng.choice(WEIFANG) if roll < 0.95 else HOME


def _age_limits(rng: random.Random) -> tuple[int | None, int | None]:
    low = rng.choice([None, None, 16, 18, 18])
    high = rng.choice([None, None, 35, 40, 45, 45, 50, 55, 60])
    return low, high


def load_vacancies(admin_url: str, tenant_id: uuid.UUID, count: int, today: date) -> float:
    """COPY `count` open vacancies (and count / 5 closed ones) of count / 20 employers."""
    rng = random.Random(4)
    now = f"{today:%Y-%m-%d} 00:00:00+00"
    started = time.perf_counter()
    employers = []
    for n in range(max(1, count // 20)):
        region = _employer_region(rng)
        industry = rng.choices(INDUSTRIES, INDUSTRY_WEIGHTS)[0]
        city = city_name(region)
        name = f"{city}{''.join(rng.sample(EMPLOYER_WORDS, 2))}{industry[:2]}有限公司{n:05d}"
        credit = with_check_character(f"91{region}{n:09d}")  # unique: the sequence
        housing = rng.random() < (0.2 if region == HOME else 0.7)
        employers.append((uuid.UUID(int=rng.getrandbits(128), version=4), region, industry,
                          housing, name, credit, rng.paretovariate(1.2)))  # fmt: skip
    weights = [e[-1] for e in employers]
    employer_cols = (
        "id, tenant_id, version, name, credit_code, industry, address, region_code,"
        " contact_name, contact_phone, size, is_employment_base, is_workshop,"
        " is_model_workshop, offers_housing, offers_meals, offers_transport, note,"
        " created_at, updated_at"
    )
    vacancy_cols = (
        "id, tenant_id, employer_id, version, title, occupation_name, occupation_code,"
        " headcount, filled, wage_min, wage_max, city, region_code, address, age_min, age_max,"
        " education_min, requirements, threshold, offers_housing, offers_meals,"
        " offers_transport, offers_insurance, contract_months, valid_from, valid_until,"
        " status, created_at, updated_at"
    )
    with psycopg.connect(admin_url) as conn, psycopg.connect(admin_url) as skill_conn:
        for c in (conn, skill_conn):
            c.execute("SET session_replication_role = replica")  # bulk load: no FK triggers
        with conn.cursor().copy(f"COPY employers ({employer_cols}) FROM STDIN") as copy:
            for eid, region, industry, housing, name, credit, _w in employers:
                copy.write_row((
                    eid, tenant_id, 1, name, credit, industry, f"{city_name(region)}某路 1 号",
                    region, "王经理", "0535-6000000", rng.choice(("small", "medium", "large")),
                    region == HOME and rng.random() < 0.3, region == HOME, False, housing,
                    rng.random() < 0.5, rng.random() < 0.2, None, now, now,
                ))  # fmt: skip
        with (
            conn.cursor().copy(f"COPY vacancies ({vacancy_cols}) FROM STDIN") as copy,
            skill_conn.cursor().copy(
                "COPY vacancy_skills (id, tenant_id, vacancy_id, name, position) FROM STDIN"
            ) as skill_copy,
        ):
            for n in range(count + count // 5):
                eid, region, industry, housing, *_ = rng.choices(employers, weights)[0]
                hires = HIRES[industry]
                occupation = rng.choices([h[0] for h in hires], [h[1] for h in hires])[0]
                code = CODES.get(occupation) if rng.random() < 0.8 else None
                wage_min = rng.choice([3000, 3500, 4000, 4000, 4500, 4500, 5000, 5000, 5500,
                                       6000, 6500, 7000, 8000])  # fmt: skip
                headcount = rng.choice([1, 2, 3, 5, 5, 10, 10, 20, 30, 50])
                age_min, age_max = _age_limits(rng)
                state = "open" if n < count else rng.choice(NOT_OPEN)
                filled = (headcount if state == "filled"
                          else rng.randint(0, headcount - 1))  # fmt: skip
                if state == "expired":
                    valid_until = today - timedelta(days=rng.randint(1, 300))
                else:
                    valid_until = (None if rng.random() < 0.3
                                   else today + timedelta(days=rng.randint(1, 180)))  # fmt: skip
                vid = uuid.UUID(int=rng.getrandbits(128), version=4)
                copy.write_row((
                    vid, tenant_id, eid, 1, f"招{occupation}", occupation, code, headcount,
                    filled, wage_min, wage_min + rng.choice([0, 500, 1000, 1000, 1500, 2000,
                                                             3000]),
                    city_name(region), region, None, age_min, age_max,
                    rng.choice([None] * 11 + ["primary"] * 2 + ["junior_high"] * 5
                               + ["senior_high"] * 2),
                    None,
                    "skilled" if code and rng.random() < 0.5 else rng.choice(("none", "low")),
                    housing or rng.random() < 0.1, rng.random() < 0.5, rng.random() < 0.3,
                    rng.random() < 0.6, rng.choice((None, 12, 24, 36)),
                    today - timedelta(days=rng.randint(0, 120)), valid_until,
                    state, now, now,
                ))  # fmt: skip
                asked = [h[0] for h in hires if h[0] in CODES and h[0] != occupation]
                for position, skill in enumerate(
                    rng.sample(asked, min(len(asked), rng.choice([0, 0, 0, 1, 1, 2])))
                ):
                    skill_copy.write_row((uuid.uuid4(), tenant_id, vid, skill, position))
        conn.commit()
        skill_conn.commit()
        conn.autocommit = True
        for table in ("employers", "vacancies", "vacancy_skills"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def _load_all(
    admin_url: str,
    ids: dict[str, uuid.UUID],
    args: argparse.Namespace,
    today: date,
    out: "multiprocessing.Queue[tuple[float, float, float]]",
) -> None:
    vacancies = load_vacancies(admin_url, ids["yantai"], args.vacancies, today)
    laborers = load_laborers(admin_url, ids["wushan"], args.laborers, intentions=True)
    out.put((vacancies, laborers, peak_rss_mib()))


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
        owner = Database(db.settings, as_owner=True)
        with owner.sessions() as s:
            orgs = dict(s.execute(select(Organization.name, Organization.id)).all())
            staff_id = s.scalars(select(User.id).where(User.username == "wushan.staff")).one()
        owner.dispose()
        ids = {"wushan": orgs["巫山县人社局"], "yantai": orgs["烟台市人社局"]}
        # The load runs in a child process: its memory is not the bench's.
        results: multiprocessing.Queue = multiprocessing.Queue()
        child = multiprocessing.Process(
            target=_load_all, args=(db.urls.admin, ids, args, today, results)
        )
        child.start()
        vacancy_s, laborer_s, loader_rss = results.get()
        child.join()
        assert child.exitcode == 0
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
