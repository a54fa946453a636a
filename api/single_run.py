"""One run at a time of a nightly command, whichever pod or host starts it.

On PostgreSQL the run holds a transaction-level advisory lock (`pg_try_advisory_xact_lock`)
on a connection of its own, in a transaction left open for the whole run: a second run
finds the lock taken and stops before doing anything. A transaction lock, not a session
one, so PgBouncer in transaction mode keeps the same server connection for it and never
hands a leftover lock to someone else; a killed run's lock goes with its connection. The
transaction assigns no transaction id and holds no snapshot between statements, so it
does not hold back vacuum; it switches off the idle-in-transaction timeout for itself
only. SQLite has one writer and no second host: the run simply goes ahead.
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text


def lock_key(name: str) -> int:
    """A stable key per command (Python's hash() differs between processes)."""
    return zlib.crc32(f"laborbridge:{name}".encode())


@contextmanager
def single_run(engine: Engine, name: str) -> Iterator[bool]:
    """Yields True when this run may go ahead, False when another holds the lock."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as conn:
        try:
            conn.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
            taken = conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(name)}
            ).scalar_one()
            yield bool(taken)
        finally:
            conn.rollback()  # ends the transaction, and with it the lock
