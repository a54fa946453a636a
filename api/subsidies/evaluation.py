"""The nightly evaluation: every paying bureau's entitlements recomputed from the
records, page by page, each page its own short transaction, so people keep working
while it runs and a second run writes nothing that is already right."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from api.access import DataKind
from api.db import Database, use_operator_access
from api.subsidies import entitlements, repository

Progress = Callable[[str, int, int], None]


@dataclass
class Evaluated:
    bureaus: int = 0
    laborers: int = 0
    written: int = 0


def evaluate_all(
    database: Database,
    *,
    as_of: date,
    page_size: int = entitlements.BATCH,
    progress: Progress = lambda _name, _done, _total: None,
) -> Evaluated:
    totals = Evaluated()
    with database.transaction() as session:
        tenants = repository.paying_tenants(session)
    for tenant_id in tenants:
        with database.transaction() as session:
            access = use_operator_access(
                session,
                tenant_id,
                read=[DataKind.SUBSIDY, DataKind.PLACEMENT, DataKind.LABORER],
                write=[DataKind.SUBSIDY],
            )
            name, total = access.tenant_name, repository.count_placed(session, tenant_id)
        totals.bureaus += 1
        after, done = None, 0
        while True:
            with database.transaction() as session:
                access = use_operator_access(
                    session,
                    tenant_id,
                    read=[DataKind.SUBSIDY, DataKind.PLACEMENT, DataKind.LABORER],
                    write=[DataKind.SUBSIDY],
                )
                after, count, written = entitlements.evaluate_page(
                    session, access, as_of=as_of, after=after, limit=page_size
                )
            done += count
            totals.laborers += count
            totals.written += written
            progress(name, done, total)
            if after is None or count < page_size:
                break
    return totals
