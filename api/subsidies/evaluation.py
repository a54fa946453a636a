"""The nightly evaluation: every paying bureau's entitlements recomputed from the
records, page by page, each page its own short transaction, so people keep working
while it runs and a second run writes nothing that is already right.

The work is pure Python per laborer, so on PostgreSQL a large run is spread over worker
processes (one per core by default) that take slices of each bureau's laborer id space.
The run opens one pool and one engine per process, whatever the number of bureaus and
slices, and a small run (under PARALLEL_FROM placed laborers) starts no pool at all:
spawning and importing workers costs more than it saves there."""

import atexit
import multiprocessing
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date

from api.access import DataKind
from api.db import Database, use_operator_access
from api.settings import Settings
from api.subsidies import entitlements, repository
from api.tenancy import repository as tenancy_repository
from shared_models.enums import OrgKind

Progress = Callable[[str, int, int], None]
READS = [DataKind.SUBSIDY, DataKind.PLACEMENT, DataKind.LABORER]
SLICES_PER_WORKER = 8  # finer slices: steadier progress, even load
PARALLEL_FROM = 5_000  # placed laborers in the run; fewer are evaluated in-process

_worker_database: Database | None = None  # a worker process's one engine for the run


@dataclass
class Evaluated:
    bureaus: int = 0
    laborers: int = 0
    written: int = 0


def _slices(count: int) -> list[tuple[uuid.UUID | None, uuid.UUID | None]]:
    """`count` slices of the id space, as (exclusive lower, exclusive upper) bounds."""
    bounds = [uuid.UUID(int=(i << 128) // count) for i in range(1, count)]
    lowers = [None, *(uuid.UUID(int=b.int - 1) for b in bounds)]
    return list(zip(lowers, [*bounds, None], strict=True))


def evaluate_range(
    database: Database,
    tenant_id: uuid.UUID,
    after: uuid.UUID | None,
    upto: uuid.UUID | None,
    as_of: date,
    page_size: int,
) -> tuple[int, int]:
    """One slice of one bureau's placed laborers: (laborers, rows written)."""
    laborers = written = 0
    while True:
        with database.transaction() as session:
            access = use_operator_access(session, tenant_id, read=READS, write=[DataKind.SUBSIDY])
            last, count, changed = entitlements.evaluate_page(
                session, access, as_of=as_of, after=after, upto=upto, limit=page_size
            )
        laborers += count
        written += changed
        if last is None or count < page_size:
            return laborers, written
        after = last


def _open_worker(settings: Settings) -> None:
    """A pool worker's start: its one engine, kept for every slice it takes."""
    global _worker_database
    _worker_database = Database(settings, as_owner=True)
    atexit.register(_worker_database.dispose)


def _slice_in_worker(
    tenant_id: uuid.UUID,
    after: uuid.UUID | None,
    upto: uuid.UUID | None,
    as_of: date,
    page_size: int,
) -> tuple[uuid.UUID, int, int]:
    if _worker_database is None:
        raise RuntimeError("a pool worker started without _open_worker")
    return (tenant_id, *evaluate_range(_worker_database, tenant_id, after, upto, as_of, page_size))


def _bureaus(
    database: Database, only: frozenset[uuid.UUID] | None = None
) -> list[tuple[uuid.UUID, str, int]]:
    """Bureaus with policies, and how many laborers each has placed."""
    out = []
    with database.transaction() as session:
        # The directory is not tenant data; which bureaus have policies is, so each
        # bureau is asked under its own access.
        candidates = [
            o.id
            for o in tenancy_repository.all_organizations(session)
            if o.kind is not OrgKind.LIAISON and (only is None or o.id in only)
        ]
    for tenant_id in candidates:
        with database.transaction() as session:
            access = use_operator_access(session, tenant_id, read=READS)
            if repository.policies_of(session, access, tenant_id):
                out.append(
                    (
                        tenant_id,
                        access.tenant_name,
                        repository.count_placed(session, access, tenant_id),
                    )
                )
    return out


def in_shard(tenant_id: uuid.UUID, shard: tuple[int, int] | None) -> bool:
    """Whether the bureau is shard `index` of `count`'s. Decided by the bureau's id alone,
    so pods that start apart, or see a bureau gain its first policy in between, still
    share out every bureau exactly once (a split balanced by laborer counts would not:
    the counts could differ between pods). The ids are random, so each shard gets its
    share of the bureaus; `--org` lists are the way to balance by hand."""
    if shard is None:
        return True
    index, count = shard
    return tenant_id.int % count == index


def evaluate_all(
    settings: Settings,
    *,
    as_of: date,
    workers: int | None = None,
    page_size: int = entitlements.BATCH,
    progress: Progress = lambda _name, _done, _total: None,
    only: frozenset[uuid.UUID] | None = None,
    shard: tuple[int, int] | None = None,
) -> Evaluated:
    """`only`: these organizations alone; `shard` (index, count): the bureaus of that
    shard alone (a pod of a Kubernetes Indexed Job, docs/scaling.md); by default every
    bureau with policies."""
    database = Database(settings, as_owner=True)
    try:
        bureaus = [b for b in _bureaus(database, only) if in_shard(b[0], shard)]
        parallel = database.engine.dialect.name == "postgresql"  # SQLite: one writer
        workers = (workers or os.cpu_count() or 1) if parallel else 1
        if sum(total for _, _, total in bureaus) < PARALLEL_FROM:
            workers = 1
        totals = Evaluated(bureaus=len(bureaus))
        if workers == 1:
            for tenant_id, name, total in bureaus:
                count, written = evaluate_range(database, tenant_id, None, None, as_of, page_size)
                totals.laborers, totals.written = totals.laborers + count, totals.written + written
                progress(name, count, total)
            return totals
    finally:
        database.dispose()
    _in_pool(settings, bureaus, workers, as_of, page_size, progress, totals)
    return totals


def _in_pool(
    settings: Settings,
    bureaus: list[tuple[uuid.UUID, str, int]],
    workers: int,
    as_of: date,
    page_size: int,
    progress: Progress,
    totals: Evaluated,
) -> None:
    """Every bureau's slices through one pool for the whole run."""
    names = {tenant_id: (name, total) for tenant_id, name, total in bureaus}
    done = dict.fromkeys(names, 0)
    context = multiprocessing.get_context("spawn")  # no inherited connections
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_open_worker, initargs=(settings,)
    ) as pool:
        futures = [
            pool.submit(_slice_in_worker, tenant_id, lo, hi, as_of, page_size)
            for tenant_id in names
            for lo, hi in _slices(workers * SLICES_PER_WORKER)
        ]
        for future in as_completed(futures):
            tenant_id, count, written = future.result()
            done[tenant_id] += count
            totals.laborers += count
            totals.written += written
            name, total = names[tenant_id]
            progress(name, done[tenant_id], total)
