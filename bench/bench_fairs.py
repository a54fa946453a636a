"""Check-in at the door of a fair of 5,000 registrants (target: 100 ms per scan) and the
fair's results page (target: 200 ms).

    .venv/bin/python -m bench.bench_fairs [--registrants 5000] [--scans 300]

A published fair with the demo's employers and 5,000 registrants (written directly),
then scans through HTTP in-process as the organizer (bearer token, RLS as the app role):
the JSON check-in and the desk page; then the results, as JSON and as the fair's page.
"""

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime
from datetime import time as at

from fastapi.testclient import TestClient
from sqlalchemy import select

from api import clock
from api.access import DataKind
from api.app import create_app
from api.db import Database, use_operator_access
from api.fairs.door import new_code
from bench.common import bench_database
from shared_models import Fair, FairIntention, FairRegistration, FairVacancy, Organization, Pairing
from shared_models.enums import FairMode, FairStatus, IntentionOutcome
from tests.fixtures.world import ApiUser
from tests.web.helpers import csrf_from, sign_in


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    median = statistics.median(ordered) * 1000
    return f"median {median:.1f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrants", type=int, default=5000)
    parser.add_argument("--scans", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    with bench_database() as db:
        owner = Database(db.settings, as_owner=True)
        with owner.transaction() as s:
            wushan = s.scalars(
                select(Organization).where(Organization.name == "巫山县人社局")
            ).one()
            pairing = s.scalars(select(Pairing).where(Pairing.sending_org_id == wushan.id)).one()
            use_operator_access(s, wushan.id, read=[DataKind.EVENT], write=[DataKind.EVENT])
            demo_vacancies = list(s.scalars(select(FairVacancy.vacancy_id)).all())
            fair = Fair(
                id=uuid.uuid4(), tenant_id=wushan.id, pairing_id=pairing.id, title="压测招聘会",
                mode=FairMode.OFFLINE, venue="巫山", held_on=clock.today(), starts_at=at(9),
                ends_at=at(12), registration_deadline=clock.today(), status=FairStatus.ONGOING,
            )  # fmt: skip
            s.add(fair)
            s.flush()
            codes = set()
            while len(codes) < args.registrants:
                codes.add(new_code())
            rows = [
                FairRegistration(
                    id=uuid.uuid4(),
                    fair_id=fair.id,
                    fair_tenant_id=wushan.id,
                    tenant_id=wushan.id,
                    name=f"报名人{i}",
                    id_number_hash=f"{i:064x}",
                    id_number_masked="500237********0000",
                    code=code,
                )
                for i, code in enumerate(sorted(codes))
            ]
            s.add_all(rows)
            s.flush()
            for reg in rows[: args.registrants // 3]:
                reg.checked_in_at = datetime.now(UTC)
            s.add_all(
                FairIntention(
                    id=uuid.uuid4(),
                    fair_id=fair.id,
                    fair_tenant_id=wushan.id,
                    tenant_id=wushan.id,
                    registration_id=reg.id,
                    vacancy_id=rng.choice(demo_vacancies),
                    outcome=IntentionOutcome.AGREED,
                    recorded_by_label="bench",
                )
                for reg in rows[: args.registrants // 10]
            )
            fair_id = fair.id
            waiting = [r.code for r in rows[args.registrants // 3 :]]
        owner.dispose()
        database = Database(db.settings)
        client = TestClient(create_app(db.settings, database=database))
        api = ApiUser(client, "wushan.admin")
        scans = rng.sample(waiting, min(args.scans * 2, len(waiting)))
        samples = []
        for code in scans[: args.scans]:
            started = time.perf_counter()
            response = api.post(f"/api/v1/fairs/{fair_id}/checkins", json={"code": code})
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        print(f"check-in, JSON API ({args.scans} scans of {args.registrants:,}): {_ms(samples)}")
        sign_in(client, "wushan.admin")
        token = csrf_from(client.get(f"/fairs/{fair_id}/desk").text)
        samples = []
        for code in scans[args.scans :]:
            started = time.perf_counter()
            response = client.post(
                f"/fairs/{fair_id}/desk", data={"csrf_token": token, "code": code}
            )
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"check-in, the desk page (HTML): {_ms(samples)}")
        for label, url, caller in (
            ("results, JSON API", f"/api/v1/fairs/{fair_id}/results", api.get),
            (
                "the fair's page with its results (HTML, 500 registrations listed)",
                f"/fairs/{fair_id}",
                client.get,
            ),
        ):
            samples = []
            for _ in range(30):
                started = time.perf_counter()
                response = caller(url)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            print(f"{label}: {_ms(samples)}")
        print(api.get(f"/api/v1/fairs/{fair_id}/results").json())
        database.dispose()


if __name__ == "__main__":
    main()
