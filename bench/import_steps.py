"""One measured step of bench_import, run in its own process (see bench_import.py)."""

import json
import os
import resource
import sys
import time
import uuid
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=".*httpx.*deprecated")

import psycopg  # noqa: E402
from sqlalchemy import select  # noqa: E402

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


def step_import(path: str) -> dict:
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
    with db.transaction() as session:
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


def step_raw_copy() -> dict:
    """The same laborers and tags, COPYed by a superuser into the table: no parsing, no
    checks, no encryption, no RLS, no audit. The floor our import is measured against."""
    admin = os.environ["LB_BENCH_ADMIN_URL"]
    with psycopg.connect(admin) as conn:
        conn.execute("SET session_replication_role = replica")  # no triggers either
        laborers = conn.execute("SELECT * FROM laborers WHERE version >= 1 LIMIT 0")
        columns = [c.name for c in laborers.description]
        # The rows the import just wrote: its laborers share one creation time.
        latest = "(SELECT max(created_at) FROM laborers)"
        rows = conn.execute(f"SELECT * FROM laborers WHERE created_at = {latest}").fetchall()
        tags = conn.execute(
            f"SELECT t.* FROM laborer_tags t JOIN laborers l ON l.id = t.laborer_id"
            f" WHERE l.created_at = {latest}"
        ).fetchall()
        tag_columns = [
            c.name for c in conn.execute("SELECT * FROM laborer_tags LIMIT 0").description
        ]
        id_index = columns.index("id")
        tenant_index = columns.index("tenant_id")
        remap = {}
        fresh_tenant = conn.execute(
            "INSERT INTO organizations"
            " (id, kind, name, region_code, status, created_at, updated_at)"
            " VALUES (%s, 'sending', %s, '500240', 'active', now(), now()) RETURNING id",
            (uuid.uuid4(), f"bench-{uuid.uuid4().hex[:6]}"),
        ).fetchone()[0]
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY laborers ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                values = list(row)
                new_id = uuid.uuid4()
                remap[values[id_index]] = new_id
                values[id_index], values[tenant_index] = new_id, fresh_tenant
                copy.write_row(values)
        tag_laborer, tag_id, tag_tenant = (
            tag_columns.index(c) for c in ("laborer_id", "id", "tenant_id")
        )
        with conn.cursor().copy(f"COPY laborer_tags ({', '.join(tag_columns)}) FROM STDIN") as copy:
            for tag in tags:
                values = list(tag)
                if values[tag_laborer] in remap:
                    values[tag_laborer] = remap[values[tag_laborer]]
                    values[tag_id], values[tag_tenant] = uuid.uuid4(), fresh_tenant
                    copy.write_row(values)
        conn.commit()
        seconds = time.perf_counter() - started
    return {"rows": len(remap), "tags": len(tags), "seconds": seconds}


if __name__ == "__main__":
    step, *rest = sys.argv[1:]
    result = {"import": step_import, "export": step_export, "raw_copy": step_raw_copy}[step](*rest)
    print(json.dumps(result))
