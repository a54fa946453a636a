"""One measured step of bench_import, run in its own process (see bench_import.py)."""

import cProfile
import json
import os
import resource
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=".*httpx.*deprecated")

import psycopg  # noqa: E402
import python_calamine  # noqa: E402
from sqlalchemy import select  # noqa: E402

from api import db_limits  # noqa: E402
from api.access import build_access_context  # noqa: E402
from api.db import Database, apply_access  # noqa: E402
from api.security.pii import PiiCipher  # noqa: E402
from api.settings import Settings  # noqa: E402
from api.supply import exporter, imports  # noqa: E402
from api.supply.rosters import RosterFilter  # noqa: E402
from shared_models import Organization, User  # noqa: E402


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _admin_access(session, db: Database):  # type: ignore[no-untyped-def]
    """wushan.admin's context, as a request would build it (read through the owner)."""
    owner = Database(db.settings, as_owner=True)
    with owner.sessions() as s:
        tenant = s.scalars(select(Organization).where(Organization.name == "巫山县人社局")).one()
        user = s.scalars(select(User).where(User.username == "wushan.admin")).one()
        tenant_id, user_id = tenant.id, user.id
    owner.dispose()
    return build_access_context(
        session, tenant_id=tenant_id, role="admin", can_reveal_pii=True, user_id=user_id,
        actor_label="wushan.admin",
    )  # fmt: skip


def step_import(path: str, profile: str | None = None) -> dict:
    if profile:
        profiler = cProfile.Profile()
        result = profiler.runcall(step_import, path)
        profiler.dump_stats(profile)
        return result
    settings = Settings()
    db = Database(settings)
    data = Path(path).read_bytes()
    phases: dict[str, float] = {}
    marks = {"t": time.perf_counter(), "stage": "read"}

    def progress(stage: str, _done: int, _total: int) -> None:
        if stage != marks["stage"]:
            now = time.perf_counter()
            phases[marks["stage"]] = phases.get(marks["stage"], 0) + now - marks["t"]
            marks.update(t=now, stage=stage)

    started = time.perf_counter()
    # A large ledger is checked by the worker, under the batch limits (api/jobs/worker.py):
    # a request's 60 s idle-in-transaction limit would end the check of 100,000 rows.
    with db_limits.batch_limits(), db.transaction() as session:
        access = _admin_access(session, db)
        apply_access(session, access)
        _batch, plan = imports.run(session, access, PiiCipher(settings), None, data,
                                   Path(path).name, dry_run=False, progress=progress)  # fmt: skip
        assert plan.ok, plan.errors[:5]
        commit_started = time.perf_counter()
    phases["commit"] = time.perf_counter() - commit_started
    progress("done", 0, 0)
    seconds = time.perf_counter() - started
    phases = {k: round(v, 2) for k, v in phases.items()}
    phases["write"] = round(phases.get("write", 0) + phases.get("audit", 0) + phases["commit"], 2)
    return {"rows": plan.rows, "new": len(plan.new), "unchanged": plan.unchanged,
            "seconds": seconds, "peak_mib": _peak(), "phases": phases}  # fmt: skip


def step_export(path: str) -> dict:
    settings = Settings()
    db = Database(settings)
    started = time.perf_counter()
    with db.transaction() as session, Path(path).open("wb") as target:
        access = _admin_access(session, db)
        apply_access(session, access)
        rows = exporter.export_roster(session, access, PiiCipher(settings), RosterFilter(),
                                      target, reveal=True)  # fmt: skip
    return {"rows": rows, "seconds": time.perf_counter() - started, "peak_mib": _peak()}


def step_raw(path: str) -> dict:
    """The floor: python-calamine reads the same file, then psycopg COPYs the rows the
    import wrote (laborers and tags) into empty tables shaped like ours, indexes
    included. No checks, no encryption, no RLS, no audit. Timed: the read and the COPY;
    fetching the rows to copy is not."""
    admin = os.environ["LB_BENCH_ADMIN_URL"]
    with psycopg.connect(admin) as conn:
        latest = "(SELECT max(created_at) FROM laborers)"  # the import's rows share it
        laborers = conn.execute(f"SELECT * FROM laborers WHERE created_at = {latest}")
        columns = [c.name for c in laborers.description]
        rows = laborers.fetchall()
        tags = conn.execute(
            "SELECT t.* FROM laborer_tags t JOIN laborers l ON l.id = t.laborer_id"
            f" WHERE l.created_at = {latest}"
        )
        tag_columns = [c.name for c in tags.description]
        tag_rows = tags.fetchall()
        for table in ("laborers", "laborer_tags"):
            conn.execute(f"CREATE TEMP TABLE raw_{table} (LIKE {table} INCLUDING ALL)")
        started = time.perf_counter()
        book = python_calamine.CalamineWorkbook.from_path(path)
        cells = book.get_sheet_by_index(0).to_python()
        read = time.perf_counter() - started
        for table, names, values in (
            ("raw_laborers", columns, rows),
            ("raw_laborer_tags", tag_columns, tag_rows),
        ):
            with conn.cursor().copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
    return {"rows": len(rows), "file_rows": len(cells) - 1, "tags": len(tag_rows),
            "seconds": seconds, "read": read, "peak_mib": _peak()}  # fmt: skip


if __name__ == "__main__":
    step, *rest = sys.argv[1:]
    result = {"import": step_import, "export": step_export, "raw": step_raw}[step](*rest)
    print(json.dumps(result))
