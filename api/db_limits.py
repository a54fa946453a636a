"""Time limits on PostgreSQL connections: a frozen or overloaded database answers within
seconds instead of hanging a request.

Two layers. The server's own: `statement_timeout`, `lock_timeout` and
`idle_in_transaction_session_timeout`, set at the start of every transaction with
`set_config(..., true)` (SET LOCAL), which holds through PgBouncer in transaction mode
where a session-level SET or a startup `options` would not. And the client's: a server
that is stopped (SIGSTOP, a hung VM, a dead network path that still ACKs) cancels
nothing, so a watchdog shuts the socket of any call that outlives its deadline; the
driver then fails at once with a disconnect, and the pool drops the connection.
A pooled connection is pinged with a short deadline before each use, so a request that
arrives while the database is frozen fails in about `probe_timeout` seconds.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

log = logging.getLogger(__name__)

# Set for batch work (operator commands, background jobs): the longer limits apply.
BATCH: ContextVar[bool] = ContextVar("lb_batch_limits", default=False)
# The client gives the server this long past its own statement timeout to cancel first.
GRACE_SECONDS = 5.0
_DEADLINE_KEY = "lb_deadline"
_UNPINGED_KEY = "lb_unpinged"
# A connection's role for each of its transactions (api/db.py, _assume_app_role).
ROLE_KEY = "lb_transaction_role"


@contextmanager
def batch_limits() -> Iterator[None]:
    """The batch limits for the transactions begun inside (a background job)."""
    token = BATCH.set(True)
    try:
        yield
    finally:
        BATCH.reset(token)


class DatabaseTimeout(Exception):
    """The database did not answer within the deadline (wrapped as a driver error)."""


@dataclass(frozen=True)
class Limits:
    statement: float  # seconds; 0: none
    lock: float
    idle_in_transaction: float
    # A request's statements are short, but on a million rows the planner's costs pass
    # jit_above_cost and compiling takes longer than the query (a roster read: 59-68 ms
    # of JIT in 69-90 ms; 6 ms without). Batch work keeps the server's setting.
    jit: bool = True

    def settings(self) -> dict[str, str]:
        values = {
            "statement_timeout": _ms(self.statement),
            "lock_timeout": _ms(self.lock),
            "idle_in_transaction_session_timeout": _ms(self.idle_in_transaction),
        }
        if not self.jit:
            values["jit"] = "off"
        return values

    def client_deadline(self) -> float | None:
        """How long the client waits for one call before giving up on the server."""
        return self.statement + GRACE_SECONDS if self.statement else None


def _ms(seconds: float) -> str:
    return str(round(seconds * 1000))


class Watchdog:
    """One thread per process; shuts the socket of a call past its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[int, tuple[float, int]] = {}  # token -> (monotonic deadline, fd)
        self._tripped: set[int] = set()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def arm(self, fd: int, seconds: float) -> int:
        token = id(object()) ^ time.monotonic_ns()
        with self._lock:
            self._due[token] = (time.monotonic() + seconds, fd)
            if self._thread is None or self._pid != os.getpid():  # a fork has no thread
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="lb-db-watchdog")
                self._thread.daemon = True
                self._thread.start()
        return token

    def disarm(self, token: int) -> bool:
        """True when the deadline had already passed and the socket was shut."""
        with self._lock:
            self._due.pop(token, None)
            if token in self._tripped:
                self._tripped.discard(token)
                return True
            return False

    def _run(self) -> None:
        while True:
            time.sleep(0.1)
            now = time.monotonic()
            with self._lock:
                late = [(t, fd) for t, (when, fd) in self._due.items() if when <= now]
                for token, fd in late:
                    del self._due[token]
                    self._tripped.add(token)
                    _shut(fd)
            for _token, fd in late:
                log.warning("database call past its deadline; connection (fd %s) closed", fd)


def _shut(fd: int) -> None:
    # shutdown() acts on the socket itself, so the driver's blocked wait on the same
    # socket wakes with end-of-file; the duplicate descriptor is closed again at once.
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


WATCHDOG = Watchdog()


def _socket_of(dbapi_connection: object) -> int | None:
    pgconn = getattr(dbapi_connection, "pgconn", None)  # psycopg 3
    try:
        return int(pgconn.socket) if pgconn is not None else None
    except Exception:  # a closed connection has no socket
        return None


@contextmanager
def deadline(
    dbapi_connection: object, seconds: float | None, *, convert: bool = True
) -> Iterator[None]:
    """Shut the connection when the call is too slow; the driver then fails with a
    disconnect, raised as DatabaseTimeout when `convert` (else as the driver's error)."""
    fd = _socket_of(dbapi_connection)
    if not seconds or fd is None:
        yield
        return
    token = WATCHDOG.arm(fd, seconds)
    tripped = False
    try:
        yield
    except Exception as exc:
        tripped = WATCHDOG.disarm(token)
        if tripped and convert:
            raise DatabaseTimeout(f"no answer within {seconds:g} s") from exc
        raise
    finally:
        if not tripped:
            WATCHDOG.disarm(token)


def install(engine: Engine, limits: Limits, batch: Limits, probe_seconds: float) -> None:
    """Ping before use, limits per transaction, deadlines on every call (PostgreSQL)."""
    dbapi_error = engine.dialect.loaded_dbapi.Error
    operational = engine.dialect.loaded_dbapi.OperationalError

    def current() -> Limits:
        return batch if BATCH.get() else limits

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info[_UNPINGED_KEY] = True  # just connected: no need to ping it

    @event.listens_for(engine, "checkout")
    def _ping(
        dbapi_connection: DBAPIConnection,
        record: ConnectionPoolEntry,
        _proxy: PoolProxiedConnection,
    ) -> None:
        if record.info.pop(_UNPINGED_KEY, False):
            return
        try:
            with deadline(dbapi_connection, probe_seconds):
                engine.dialect.do_ping(dbapi_connection)
        except DatabaseTimeout as exc:
            # Frozen, not closed: another connection would hang the same way. The
            # pool discards this one as the error passes through it.
            raise operational(f"the database did not answer within {probe_seconds:g} s") from exc
        except dbapi_error as exc:
            raise DisconnectionError() from exc  # closed: the pool connects anew

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        _disarm(record.info)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        values = current().settings()
        calls = ", ".join(
            f"set_config('{name}', '{value}', true)" for name, value in values.items()
        )
        role = conn.info.get(ROLE_KEY)
        if role is None:
            conn.exec_driver_sql("SELECT " + calls)
        else:  # in the same statement: no extra round trip per transaction
            conn.exec_driver_sql(
                f"SELECT set_config('role', %(role)s, true), {calls}", {"role": role}
            )

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Connection, cursor: DBAPICursor, *_args: object) -> None:
        _arm(conn.info, cursor.connection, current().client_deadline())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Connection, *_args: object) -> None:
        _disarm(conn.info)

    @event.listens_for(engine, "handle_error")
    def _error(context: ExceptionContext) -> None:
        if context.connection is not None:
            _disarm(context.connection.info)

    # COMMIT and ROLLBACK (also the pool's reset on return) wait on the server too. The
    # dialect is this engine's own instance, so its two calls are wrapped here alone.
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        plain = getattr(dialect, name)

        def bounded(
            dbapi_connection: DBAPIConnection,
            _plain: Callable[[DBAPIConnection], None] = plain,
        ) -> None:
            with deadline(dbapi_connection, current().client_deadline(), convert=False):
                _plain(dbapi_connection)

        setattr(dialect, name, bounded)


def _arm(info: dict[str, Any], dbapi_connection: object, seconds: float | None) -> None:
    _disarm(info)
    fd = _socket_of(dbapi_connection)
    if seconds and fd is not None:
        info[_DEADLINE_KEY] = WATCHDOG.arm(fd, seconds)


def _disarm(info: dict[str, Any]) -> None:
    token = info.pop(_DEADLINE_KEY, None)
    if token is not None:
        WATCHDOG.disarm(token)
