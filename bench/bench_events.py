"""What a request saves now that the warnings re-judge after the commit: a placement's
edit as the service makes it now (its event queued as a job row) against the same edit
plus the former in-request work (`rules.refresh`: the county's view applied, the rules
run, the caller's view restored), alternating in one process, as wushan.staff with row
security in force, on a throw-away demo database (bench/common.py; each edit rolled
back). The ratio is the figure, not the milliseconds (the machine is shared).

    .venv/bin/python -m bench.bench_events [--edits 300]
"""

import argparse
import statistics
import time

from sqlalchemy import select

from api import clock
from api.db import Database
from api.events import wiring
from api.placements import service
from api.warnings import rules
from bench.common import as_staff, bench_database, peak_rss_mib, tenant_id_of
from shared_models import Placement, User

WARM_UP = 20
NOW, BEFORE = "event queued (now)", "re-judged in request"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=300)
    args = parser.parse_args()
    wiring.wire()
    timings: dict[str, list[float]] = {NOW: [], BEFORE: []}
    with bench_database() as db:
        county = tenant_id_of(db)
        owner = Database(db.settings, as_owner=True)
        with owner.sessions() as s:
            staff_id = s.scalars(select(User.id).where(User.username == "wushan.staff")).one()
        owner.dispose()
        app = Database(db.settings)
        for i in range(args.edits):
            judged = i % 2 == 0
            with as_staff(app, (county, staff_id)) as (session, access):
                placement = session.scalars(
                    select(Placement)
                    .where(Placement.tenant_id == county, Placement.ended_on.is_(None))
                    .order_by(Placement.id)
                    .offset(i % 40)
                    .limit(1)
                ).one()
                started = time.perf_counter()
                changes = {"employer_name": f"烟台某电子有限公司{i}"}
                service.update(session, access, placement.id, changes, version=placement.version)
                if judged:
                    ids = [placement.laborer_id]
                    rules.refresh(session, access, county, ids, today=clock.today())
                timings[BEFORE if judged else NOW].append(time.perf_counter() - started)
                session.rollback()
        app.dispose()
    base = statistics.median(timings[BEFORE][WARM_UP:])
    print(f"{args.edits} placement edits, alternating, warm (first {WARM_UP} of each dropped)")
    for name, runs in timings.items():
        runs = sorted(runs[WARM_UP:])
        median, p90 = statistics.median(runs), runs[int(len(runs) * 0.9)]
        print(
            f"  {name:<22} median {median * 1000:6.2f} ms  p90 {p90 * 1000:6.2f} ms"
            f"  ratio {median / base:.2f}"
        )
    print(f"peak RSS {peak_rss_mib():.0f} MiB (the one bench process)")


if __name__ == "__main__":
    main()
