"""Engine and sessions; one transaction per request; row-level security settings.

On PostgreSQL the request's visible tenant ids are handed to the RLS policies with
`set_config(name, value, true)` at the start of every transaction: transaction-local,
so nothing outlives the request on a pooled connection.
"""

import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Connection, Engine, TextClause, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

from api import db_limits, tracing
from api.access import AccessContext, DataKind, operator_access
from api.errors import AppError
from api.settings import Settings

log = logging.getLogger(__name__)

ACCESS_KEY = "lb_access"
# Set by a request that only reads (a job's progress bar, polled): on SQLite its
# transaction begins DEFERRED, reading beside a background job that holds the one
# writer's lock, and it refreshes no session's last-seen time (a poll is not activity).
READS_ONLY: ContextVar[bool] = ContextVar("lb_reads_only", default=False)
_BEGUN_KEY = "lb_begun_transaction"
# Set on a read-only session (the replica's, or the primary's in its stead): what would
# write skips the write (api/oversight/figures.py computes without remembering), and on
# PostgreSQL the transaction is READ ONLY, so a write that slips through fails loudly
# on the primary as it would on a hot standby.
READ_ONLY_KEY = "lb_read_only"


class UnsafeDatabaseRole(RuntimeError):
    """The app's PostgreSQL role could bypass row-level security."""


def ensure_sqlite_directory(url: str) -> None:
    """SQLite creates the file but not its folder (./var on a fresh checkout)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    echo: bool = False,
    app_role: str = "",
    settings: Settings | None = None,
    batch: bool = False,
) -> Engine:
    """An engine; on PostgreSQL with the time limits of `settings` (api/db_limits.py):
    `batch` for operator commands, whose every transaction takes the longer limits."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_directory(url)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _configure_sqlite(engine)
        return engine
    settings = settings or Settings()
    engine = create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        # No server-side prepared statements: a generic plan cannot use the index range
        # of a name prefix or the selectivity of a filter value; planning each query
        # with its values costs about a millisecond and keeps every roster page fast.
        connect_args={
            "prepare_threshold": None,
            "connect_timeout": settings.db_connect_timeout_seconds,
        },
    )
    request_limits, batch_limits = limits_of(settings)
    db_limits.install(
        engine,
        batch_limits if batch else request_limits,
        batch_limits,
        settings.probe_timeout_seconds,
    )
    if app_role:
        _assume_app_role(engine, app_role)
    return engine


def limits_of(settings: Settings) -> tuple[db_limits.Limits, db_limits.Limits]:
    """(a request's limits, batch work's limits)."""
    batch = settings.db_batch_timeout_seconds
    return (
        db_limits.Limits(
            statement=settings.db_statement_timeout_seconds,
            lock=settings.db_lock_timeout_seconds,
            idle_in_transaction=settings.db_idle_in_transaction_timeout_seconds,
            jit=False,
        ),
        db_limits.Limits(statement=batch, lock=batch, idle_in_transaction=batch),
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # SQLAlchemy, not the driver, decides when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front: concurrent writers queue instead of
        # failing with "database is locked" when a read turns into a write.
        conn.exec_driver_sql("BEGIN" if READS_ONLY.get() else "BEGIN IMMEDIATE")


def _assume_app_role(engine: Engine, app_role: str) -> None:
    """Development convenience: a privileged login drops to the app role, so row-level
    security is in force. Production connects as the app role itself.

    The role is taken per transaction (db_limits' `set_config('role', ..., true)`), not
    with a session-level SET ROLE: behind PgBouncer in transaction mode a session's
    role would stay on the server connection for its next client, and a transaction of
    ours on another server connection would run as the privileged login, past RLS."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(
            "SELECT r.rolsuper OR r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user"
        )
        found = cursor.fetchone()
        if found is None:  # current_user is always a role; fail as indexing None did
            cursor.close()
            raise RuntimeError("current_user is not in pg_roles")
        privileged = bool(found[0])
        if privileged:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (app_role,))
            if cursor.fetchone() is None:
                cursor.close()
                raise UnsafeDatabaseRole(
                    f"database role {app_role!r} does not exist; run `laborbridge db upgrade`"
                )
            record.info[db_limits.ROLE_KEY] = app_role
        cursor.close()
        dbapi_connection.commit()


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"


def check_app_role(engine: Engine) -> list[str]:
    """Reasons the app's role is unsafe for row-level security (empty when safe)."""
    if engine.dialect.name != "postgresql":
        return []
    problems = []
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        if row.rolsuper:
            problems.append("the role is a superuser")
        if row.rolbypassrls:
            problems.append("the role has BYPASSRLS")
        owned = conn.execute(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                " AND pg_has_role(current_user, tableowner, 'USAGE')"
            )
        ).scalar_one()
        if owned:
            problems.append(f"the role owns (or inherits the owner of) {owned} tables")
    return problems


class Database:
    """The app's engine and session factory."""

    def __init__(
        self, settings: Settings, *, url: str | None = None, as_owner: bool = False
    ) -> None:
        """The app's database; `as_owner` for migrations and operator commands, which
        connect with LB_OWNER_DATABASE_URL and never drop to the app role."""
        self.settings = settings
        assume_role = not (as_owner or settings.is_production)
        self.url = url or (
            settings.migration_database_url if as_owner else settings.app_database_url
        )
        self.engine = make_engine(
            self.url,
            pool_size=settings.db_pool_size,
            echo=settings.db_echo,
            app_role=settings.db_app_role if assume_role else "",
            settings=settings,
            batch=as_owner,
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        # The read replica (LB_DATABASE_REPLICA_URL), same role, pool size and limits: the
        # app's own connections only, never an operator command's.
        self.replica_engine: Engine | None = None
        if settings.database_replica_url and not (as_owner or url):
            self.replica_engine = make_engine(
                settings.database_replica_url,
                pool_size=settings.db_pool_size,
                echo=settings.db_echo,
                app_role=settings.db_app_role if assume_role else "",
                settings=settings,
            )
        self.read_sessions = sessionmaker(
            self.replica_engine or self.engine,
            expire_on_commit=False,
            autoflush=False,
            info={READ_ONLY_KEY: True},
        )
        self._probe_engine: Engine | None = None
        # A `laborbridge` command's statements join its span (api/tracing.py).
        tracing.engine_made(self.engine)
        if self.replica_engine is not None:
            tracing.engine_made(self.replica_engine)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.replica_engine is not None:
            self.replica_engine.dispose()
        if self._probe_engine is not None:
            self._probe_engine.dispose()

    @contextmanager
    def transaction(
        self, access: AccessContext | None = None, *, read_only: bool = False
    ) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception (except
        errors marked keep_changes, whose record must stay: sign-in attempts).
        `read_only`: on the replica when there is one (else the primary), writing nothing."""
        session = (self.read_sessions if read_only else self.sessions)()
        try:
            session.begin()
            if access is not None:
                apply_access(session, access)
            yield session
            session.commit()
        except AppError as exc:
            session.commit() if exc.keep_changes else session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        """The database answers `SELECT 1` within the probe timeout (/readyz): on a
        connection of its own, so a full or stuck pool does not hide the answer."""
        if not is_postgres(self.engine):
            with self.engine.connect() as conn:
                one: int = conn.execute(select(1)).scalar_one()
                return one == 1
        if self._probe_engine is None:
            seconds = self.settings.probe_timeout_seconds
            self._probe_engine = create_engine(
                self.url,
                poolclass=NullPool,
                connect_args={"connect_timeout": max(2, round(seconds))},
            )
        with self._probe_engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            with db_limits.deadline(raw, self.settings.probe_timeout_seconds):
                one = conn.exec_driver_sql("SELECT 1").scalar_one()
                return one == 1


def is_read_only(session: Session) -> bool:
    """Whether the session reads only (a replica's): figures are not remembered on it."""
    return bool(session.info.get(READ_ONLY_KEY))


def apply_access(session: Session, access: AccessContext) -> None:
    """Attach the context to the session and hand its tenant sets to RLS."""
    session.info[ACCESS_KEY] = access
    begun = session.info.get(_BEGUN_KEY)
    if begun is not None and begun is session.get_transaction() and is_postgres(session):
        _set_rls(session, access)
    # Otherwise the after_begin hook applies them when the transaction starts.


def apply_user_scope(session: Session, user_id: uuid.UUID) -> None:
    """Before a tenant is chosen: let RLS show this user's own memberships."""
    if is_postgres(session):
        session.execute(text("SELECT set_config('app.user_id', :u, true)"), {"u": str(user_id)})


def use_operator_access(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    read: Iterable[DataKind] = (),
    write: Iterable[DataKind] = (),
    reveal_pii: bool = False,
) -> AccessContext:
    """Switch an operator command's transaction to one tenant and the kinds it needs."""
    access = operator_access(session, tenant_id, read=read, write=write, reveal_pii=reveal_pii)
    apply_access(session, access)
    return access


# One statement of two array parameters, whatever the number of settings: psycopg caches
# the conversion of a query of up to 50 parameters only, and the settings are ~70 values.
_RLS_STATEMENT = text(
    "SELECT set_config(s.name, s.value, true)"
    " FROM unnest(CAST(:names AS text[]), CAST(:values AS text[])) AS s(name, value)"
)


def _rls_statement(access: AccessContext) -> tuple[TextClause, dict[str, list[str]]]:
    settings = access.rls_settings()
    return _RLS_STATEMENT, {"names": list(settings), "values": list(settings.values())}


def _set_rls(session: Session, access: AccessContext) -> None:
    session.execute(*_rls_statement(access))


@event.listens_for(Session, "after_begin")
def _reapply_rls(session: Session, _transaction: object, connection: Connection) -> None:
    # A session that already has a context and starts another transaction (a service
    # that needs two) gets the same settings again: set_config(..., true) ends with each.
    session.info[_BEGUN_KEY] = session.get_transaction()
    if session.info.get(READ_ONLY_KEY) and connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    access = session.info.get(ACCESS_KEY)
    if access is not None and connection.dialect.name == "postgresql":
        connection.execute(*_rls_statement(access))
