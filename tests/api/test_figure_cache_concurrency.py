"""Two requests remembering the same two figures in opposite orders, at the same time,
on PostgreSQL: neither waits for the other (an advisory try-lock per figure), so
neither is chosen as a deadlock victim, and both answer."""

import threading

import pytest

from api import clock
from api.access import snapshot_system_access
from api.db import apply_access
from api.oversight import figure_cache_repository, figures


@pytest.mark.postgres_only
def test_writers_of_the_same_figures_in_opposite_orders_never_deadlock(world) -> None:
    database = world.app_database()
    tenant_id = world.orgs["wushan"]
    barrier = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def remember(order: list[str]) -> None:
        try:
            with database.transaction() as session:
                access = snapshot_system_access(session, tenant_id)
                apply_access(session, access)
                view = figures.view_key(access)
                seen = figure_cache_repository.changes(session, access)
                for i, key in enumerate(order):
                    figure_cache_repository.keep(
                        session, access, view, key * 64, seen, [i], clock.now()
                    )
                    if i == 0:
                        barrier.wait()  # both hold their first figure before the second
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=remember, args=(["a", "b"],)),
        threading.Thread(target=remember, args=(["b", "a"],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    with database.transaction() as session:
        access = snapshot_system_access(session, tenant_id)
        apply_access(session, access)
        view = figures.view_key(access)
        kept = [figure_cache_repository.find(session, access, view, key * 64) for key in ("a", "b")]
    assert all(k is not None for k in kept), "each figure kept by one of the two"
