"""Roster pages on a county with a million laborers (issue 3's target: 100 ms).

    .venv/bin/python -m bench.bench_roster [--laborers 1000000] [--runs 30]

Loads LABORERS rows into 巫山县人社局 with COPY (superuser; valid shapes, random
values), refreshes statistics, then times roster pages as wushan.staff through the
service layer and through HTTP in-process, as the app role with RLS in force.
"""

import argparse
import os
import random
import statistics
import time
import uuid
from datetime import date, timedelta

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.db import Database
from api.demo.laborers import CITIES, GIVEN, INDUSTRIES, PLACES, SKILLS, SURNAMES, TRAINING
from api.settings import Settings
from api.supply import service
from api.supply.rosters import Roster, RosterFilter, SortKey
from bench.common import as_staff, bench_database
from shared_models import Organization, User
from tests.fixtures.world import PASSWORD
from tests.web.helpers import sign_in

STATUSES = (
    ["employed"] * 55
    + ["unemployed"] * 20
    + ["farming"] * 12
    + ["self_employed"] * 5
    + ["student"] * 5
    + ["unable"] * 3
)
POVERTY = (
    ["lifted"] * 45
    + ["monitored"] * 10
    + ["registered_poor"] * 5
    + ["dibao"] * 5
    + ["tekun"]
    + ["none"] * 34
)
EDUCATION = ["primary", "junior_high", "junior_high", "senior_high", "college"]
SCOPES = ["out_of_province"] * 13 + ["in_province"] * 4 + ["in_county"] * 3
WAGES = [3000, 3500, 4000, 4500, 5000, 6000]
LEVELS = ["basic"] * 9 + ["intermediate"] * 9 + ["advanced"] * 2


def load(
    admin_url: str, tenant_id: uuid.UUID, count: int, *, intentions: bool = False, seed: int = 3
) -> float:
    """COPY `count` laborers and their tags into the tenant, then VACUUM ANALYZE.

    `intentions` adds what matching reads and the roster does not: a skill level for the
    skilled, transfer scopes of all three kinds, expected wages, a second preferred city
    and preferred industries. Without it the rows are those the roster figures were
    measured on (the same random draws in the same order). A second tenant needs a
    `seed` of its own, or its ids repeat the first's."""
    rng = random.Random(seed)
    places = [(t, v) for t, villages in PLACES["500237"].items() for v in villages]
    now = "2026-11-01 00:00:00+00"
    laborer_cols = (
        "id, tenant_id, version, name, id_number_cipher, id_number_hash, id_number_masked,"
        " id_number_tail, phone_cipher, phone_hash, phone_masked, sex, birth_date,"
        " region_code, township, village, poverty_status, education, health_status,"
        " two_after, employment_status, employment_need, skill_level,"
        " employment_difficulty, assistance_measure, transfer_willing, transfer_scope,"
        " entrepreneurship_intention, created_at, updated_at, expected_wage"
    )
    tag_cols = "id, tenant_id, laborer_id, kind, value, code, position"
    started = time.perf_counter()
    # Two connections, one COPY each, so that tags stream beside their laborers instead of
    # piling up in memory; foreign key triggers are off for the bulk load.
    with psycopg.connect(admin_url) as conn, psycopg.connect(admin_url) as tag_conn:
        for c in (conn, tag_conn):
            c.execute("SET session_replication_role = replica")
        with (
            conn.cursor().copy(f"COPY laborers ({laborer_cols}) FROM STDIN") as copy,
            tag_conn.cursor().copy(f"COPY laborer_tags ({tag_cols}) FROM STDIN") as tag_copy,
        ):
            for n in range(count):
                lid = uuid.UUID(int=rng.getrandbits(128), version=4)
                township, village = places[n % len(places)]
                born = date(1968, 1, 1) + timedelta(days=rng.randint(0, 365 * 42))
                tail = f"{rng.randint(0, 9999):04d}"
                sex = rng.choice(("male", "female"))
                status = rng.choice(STATUSES)
                willing = status == "unemployed" or rng.random() < 0.2
                young = 16 <= (date(2026, 11, 1) - born).days // 365 <= 22
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN[sex], 2))
                row = [
                    lid, tenant_id, 1, name, rng.randbytes(45), f"{rng.getrandbits(256):064x}",
                    f"500237********{tail}", tail, rng.randbytes(40),
                    f"{rng.getrandbits(256):064x}", "138****0000", sex, born, "500237", township,
                    village, rng.choice(POVERTY), rng.choice(EDUCATION), "healthy",
                    young and rng.random() < 0.5, status,
                    "job" if status == "unemployed" else "none", "none", "none", "none",
                    willing, "out_of_province" if willing else None, rng.random() < 0.05, now, now,
                    None,
                ]  # fmt: skip
                tags: list[tuple[str, str, str | None]] = []
                if rng.random() < 0.4:
                    skill = rng.choice(SKILLS)
                    tags.append(("skill", skill.name, skill.code))
                if rng.random() < 0.3:
                    need = rng.choice(TRAINING)
                    tags.append(("training", need.name, need.code))
                if willing:
                    tags.append(("city", rng.choice(CITIES["500237"]), None))
                if intentions:
                    _add_intentions(rng, row, tags, willing)
                copy.write_row(row)
                for i, (kind, value, code) in enumerate(tags):
                    position = sum(1 for k, _v, _c in tags[:i] if k == kind)  # within its kind
                    tag_copy.write_row((uuid.uuid4(), tenant_id, lid, kind, value, code, position))
        conn.commit()
        tag_conn.commit()
        conn.autocommit = True
        # Steady state: statistics fresh and the visibility map set (autovacuum's job).
        conn.execute("VACUUM ANALYZE laborers")
        conn.execute("VACUUM ANALYZE laborer_tags")
    return time.perf_counter() - started


SKILL_LEVEL, TRANSFER_SCOPE, EXPECTED_WAGE = 22, 26, 30  # positions in a laborer row


def _add_intentions(
    rng: random.Random, row: list, tags: list[tuple[str, str, str | None]], willing: bool
) -> None:
    if any(kind == "skill" for kind, _v, _c in tags):
        row[SKILL_LEVEL] = rng.choice(LEVELS)
    if willing:
        row[TRANSFER_SCOPE] = rng.choice(SCOPES)
        row[EXPECTED_WAGE] = rng.choice(WAGES) if rng.random() < 0.8 else None
        first = next(value for kind, value, _c in tags if kind == "city")
        if rng.random() < 0.3:
            second = rng.choice([c for c in CITIES["500237"] if c != first])
            tags.append(("city", second, None))
    for industry in rng.sample(INDUSTRIES, rng.choice([0, 0, 1, 1, 2])):
        tags.append(("industry", industry, None))


def wushan_staff(settings: Settings) -> tuple[uuid.UUID, uuid.UUID]:
    """巫山县人社局's id and wushan.staff's."""
    owner = Database(settings, as_owner=True)
    with owner.sessions() as s:
        tenant = s.scalars(select(Organization).where(Organization.name == "巫山县人社局")).one()
        staff = s.scalars(select(User).where(User.username == "wushan.staff")).one()
        ids = (tenant.id, staff.id)
    owner.dispose()
    return ids


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"median {statistics.median(ordered) * 1000:6.1f} ms,"
            f" p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:6.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laborers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with bench_database() as db:
        tenant_id, staff_id = wushan_staff(db.settings)
        seconds = load(db.urls.admin, tenant_id, args.laborers)
        print(f"loaded {args.laborers:,} laborers (COPY, superuser) in {seconds:.0f} s")
        database = Database(db.settings)
        cases = {
            "all, default order (township, village, name), page 1": (RosterFilter(), 1),
            "unemployed roster, page 1": (RosterFilter(roster=Roster.UNEMPLOYED), 1),
            "unemployed in one village": (
                RosterFilter(roster=Roster.UNEMPLOYED, village="白坪村"),
                1,
            ),
            "training-need roster (tag), page 1": (RosterFilter(roster=Roster.TRAINING_NEED), 1),
            "name starts with 谭": (RosterFilter(name="谭"), 1),
            "last four ID characters": (RosterFilter(id_number="0042"), 1),
            "skill 焊工, sorted by age": (RosterFilter(skill="焊工", sort=SortKey.AGE), 1),
            "all, page 200 (offset 9,950)": (RosterFilter(), 200),
            "sorted by name, page 1": (RosterFilter(sort=SortKey.NAME), 1),
        }
        for label, (f, page) in cases.items():
            samples = []
            for _ in range(args.runs):
                with as_staff(database, (tenant_id, staff_id)) as (session, access):
                    started = time.perf_counter()
                    result = service.list_page(session, access, f, page=page, page_size=50)
                    samples.append(time.perf_counter() - started)
            print(f"{label:55s} {_summary(samples)}  ({len(result.items)} rows,"
                  f" total {'>' if result.total_capped else ''}{result.total:,})")  # fmt: skip
        samples = []
        for _ in range(5):
            with as_staff(database, (tenant_id, staff_id)) as (session, access):
                started = time.perf_counter()
                counts = service.roster_counts(session, access)
                samples.append(time.perf_counter() - started)
        print(f"{'counts of all six rosters':55s} {_summary(samples)}  all={counts[Roster.ALL]:,}")
        with TestClient(create_app(db.settings)) as client:
            token = client.post("/api/v1/auth/token", data={
                "grant_type": "password", "username": "wushan.staff", "password": PASSWORD,
            }).json()["access_token"]  # fmt: skip
            headers = {"Authorization": f"Bearer {token}"}
            sign_in(client, "wushan.staff")
            for label, params in {
                "HTTP GET /api/v1/laborers?roster=unemployed": {"roster": "unemployed"},
                "HTTP GET /laborers page (HTML), default": None,
            }.items():
                samples = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    if params is None:
                        response = client.get("/laborers")
                    else:
                        response = client.get("/api/v1/laborers", params=params, headers=headers)
                    samples.append(time.perf_counter() - started)
                print(f"{label:55s} {_summary(samples)}  (status {response.status_code})")
        database.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
