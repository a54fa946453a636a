"""Writes that run behind the work that builds them: while PostgreSQL writes one chunk
of an import (COPY, INSERT ... SELECT through row security, foreign keys and indexes),
the caller builds the next (encrypts, hashes, chains the audit entries).

One background thread runs the writes, one at a time and in order, on the caller's own
session and transaction: the driver releases the GIL while it waits for the server, so
the two overlap on a second core. The caller must not touch the session between
`submit` and `drain`; leaving the block drains, so a failure on either side reaches the
savepoint only once nothing is running on its connection. SQLite writes in the caller's
thread (its connections belong to one thread).
"""

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from sqlalchemy.orm import Session


class WriteBehind:
    def __init__(self, session: Session) -> None:
        postgres = session.get_bind().dialect.name == "postgresql"
        self._pool = ThreadPoolExecutor(1, "lb-write-behind") if postgres else None
        self._pending: Future[None] | None = None

    def submit(self, write: Callable[[], None]) -> None:
        """Run `write` once the previous one has finished (its error is raised here)."""
        self.drain()
        if self._pool is None:
            write()
            return
        # The batch limits and the request's settings are context variables: the
        # statements run under the caller's, not the bare thread's.
        self._pending = self._pool.submit(contextvars.copy_context().run, write)

    def drain(self) -> None:
        """Wait for the write in flight; raise its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> "WriteBehind":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if error is None:
                self.drain()
            elif self._pending is not None:
                # Already failing: wait for the connection to be free, keep the first error.
                self._pending.exception()
                self._pending = None
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
