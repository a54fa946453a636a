"""Pool use as gauges, kept current by the pool's own events (a gauge that reads the
pool when scraped cannot work across gunicorn's worker processes)."""

from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

from api.metrics.instruments import POOL_CHECKED_OUT, POOL_OVERFLOW, POOL_SIZE


def watch(engine: Engine) -> None:
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return  # SQLite: no pool worth watching
    POOL_SIZE.set(pool.size())  # one app engine per process; livesum adds the processes

    def update(*_args: object) -> None:
        POOL_CHECKED_OUT.set(pool.checkedout())
        POOL_OVERFLOW.set(max(0, pool.checkedin() + pool.checkedout() - pool.size()))

    for name in ("checkout", "checkin", "connect", "close", "invalidate"):
        event.listen(engine, name, update)
