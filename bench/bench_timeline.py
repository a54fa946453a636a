"""A laborer's timeline over the JSON API, on the demo register (PostgreSQL, RLS as the
app role): the county's full view and the receiving bureau's narrowed one.

    .venv/bin/python -m bench.bench_timeline [--laborers 100] [--rounds 3]

The laborers with the most records (referral steps, verified months, claims, fairs,
trainings) are read first: they are the timelines with the most queries' worth of rows.
"""

import argparse
import statistics
import time

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.app import create_app
from api.db import Database
from bench.common import bench_database
from shared_models import (
    Laborer,
    Organization,
    Placement,
    Referral,
    ReferralEvent,
    StayVerification,
    SubsidyClaim,
)
from tests.fixtures.world import ApiUser


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def _busiest(admin_url: str, limit: int) -> tuple[list, list]:
    """(巫山's busiest laborers, those of them referred to or placed with 烟台's employers)."""
    engine = create_engine(admin_url)
    with Session(engine) as s:
        orgs = dict(s.execute(select(Organization.name, Organization.id)).all())
        wushan, yantai = orgs["巫山县人社局"], orgs["烟台市人社局"]
        own = set(s.scalars(select(Laborer.id).where(Laborer.tenant_id == wushan)))
        weight = {}
        for column in (
            StayVerification.laborer_id,
            SubsidyClaim.laborer_id,
            Placement.laborer_id,
        ):
            for laborer_id, n in s.execute(select(column, func.count()).group_by(column)):
                weight[laborer_id] = weight.get(laborer_id, 0) + n
        steps = select(Referral.laborer_id, func.count()).join(
            ReferralEvent, ReferralEvent.referral_id == Referral.id
        )
        for laborer_id, n in s.execute(steps.group_by(Referral.laborer_id)):
            weight[laborer_id] = weight.get(laborer_id, 0) + n
        to_yantai = Referral.vacancy_tenant_id == yantai
        referred = set(s.scalars(select(Referral.laborer_id).where(to_yantai)))
        with_yantai = Placement.employer_tenant_id == yantai
        placed = set(s.scalars(select(Placement.laborer_id).where(with_yantai)))
    engine.dispose()
    ranked = sorted(own & set(weight), key=weight.get, reverse=True)[:limit]
    return ranked, [x for x in ranked if x in referred | placed]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laborers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with bench_database() as db:
        county_ids, bureau_ids = _busiest(db.urls.admin, args.laborers)
        database = Database(db.settings)
        client = TestClient(create_app(db.settings, database=database))
        for username, ids in (("wushan.admin", county_ids), ("yantai.admin", bureau_ids)):
            user = ApiUser(client, username)
            samples, entries, answered = [], [], 0
            for _ in range(args.rounds):
                for laborer_id in ids:
                    started = time.perf_counter()
                    response = user.get(f"/api/v1/laborers/{laborer_id}/timeline")
                    samples.append(time.perf_counter() - started)
                    assert response.status_code in (200, 404), response.text
                    if response.status_code == 200:
                        answered += 1
                        entries.append(response.json()["count"])
            print(
                f"{username}: {len(ids)} laborers x {args.rounds}: {_ms(samples)}; "
                f"{answered} answered, entries per timeline median "
                f"{statistics.median(entries) if entries else 0}, max {max(entries, default=0)}"
            )
        database.dispose()


if __name__ == "__main__":
    main()
