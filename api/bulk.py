"""Set-based writes for imports and nightly jobs: many rows per statement.

On PostgreSQL rows are streamed with COPY into a temporary table, then moved with one
INSERT ... SELECT or UPDATE ... FROM. COPY cannot write into a table under row-level
security, but INSERT and UPDATE can, so the policies still check every row. SQLite gets
executemany.
"""

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import JSON, ColumnElement, Table, bindparam, insert, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

_counter = itertools.count()


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upsert_insert(session: Session, table: Any) -> Any:
    """An INSERT that takes ON CONFLICT clauses, in the session's dialect (SQLite and
    PostgreSQL spell them alike, but SQLAlchemy keeps one construct per dialect)."""
    return (pg_insert if _is_postgres(session) else sqlite_insert)(table)


def _copy_to_temp(
    session: Session, table: Table, columns: Sequence[str], rows: list[dict[str, Any]]
) -> str:
    temp = f"_bulk_{table.name}_{next(_counter)}"
    column_list = ", ".join(f'"{c}"' for c in columns)
    # Only the columns being written, with their types and no constraints: the target
    # table checks the rows when they move across.
    session.execute(
        text(
            f'CREATE TEMP TABLE "{temp}" ON COMMIT DROP AS'  # noqa: S608 - names from our models
            f' SELECT {column_list} FROM "{table.name}" WITH NO DATA'
        )
    )
    raw = session.connection().connection.driver_connection
    if raw is None:  # only once the pool has invalidated it, never in a live session
        raise RuntimeError("the session's connection has no driver connection")
    # Only the JSON columns' values need wrapping: adapting every value of every row was
    # a fifth of the nightly evaluation's writing time.
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    with raw.cursor() as cursor, cursor.copy(f'COPY "{temp}" ({column_list}) FROM STDIN') as copy:
        if json_at:
            for row in rows:
                values = [row[c] for c in columns]
                for i in json_at:
                    values[i] = _adapt(values[i])
                copy.write_row(values)
        else:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    return temp


def _adapt(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, dict | list) else value


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    if not _is_postgres(session):
        session.execute(insert(table), rows)
        return
    temp = _copy_to_temp(session, table, columns, rows)
    column_list = ", ".join(f'"{c}"' for c in columns)
    # Table and column names come from our models, never from input.
    session.execute(
        text(f'INSERT INTO "{table.name}" ({column_list}) SELECT {column_list} FROM "{temp}"')  # noqa: S608
    )
    session.execute(text(f'DROP TABLE "{temp}"'))


def update_rows(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    key: str = "id",
    increment: str | None = None,
) -> None:
    """UPDATE each row by `key`; every row must carry the same columns.
    `increment` names a counter column (a version) raised by one in the same statement."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != key]
    if not _is_postgres(session):
        values: dict[str, ColumnElement[Any]] = {c: bindparam(f"v_{c}") for c in columns}
        if increment:
            values[increment] = table.c[increment] + 1
        statement = update(table).where(table.c[key] == bindparam("k")).values(values)
        params = [{"k": r[key], **{f"v_{c}": r[c] for c in columns}} for r in rows]
        session.connection().execute(statement, params)
        return
    temp = _copy_to_temp(session, table, [key, *columns], rows)
    assignments = [f'"{c}" = t."{c}"' for c in columns]
    if increment:
        assignments.append(f'"{increment}" = "{table.name}"."{increment}" + 1')
    session.execute(
        text(
            f'UPDATE "{table.name}" SET {", ".join(assignments)} FROM "{temp}" t'  # noqa: S608
            f' WHERE "{table.name}"."{key}" = t."{key}"'
        )
    )
    session.execute(text(f'DROP TABLE "{temp}"'))


def upsert_rows(
    session: Session, table: Table, rows: list[dict[str, Any]], *, keys: Sequence[str]
) -> None:
    """INSERT each row, or UPDATE the row with the same `keys`; the same columns in each."""
    if not rows:
        return
    columns = list(rows[0])
    updated = [c for c in columns if c not in keys]
    if not _is_postgres(session):
        statement = sqlite_insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={c: statement.excluded[c] for c in updated},
        )
        session.execute(statement, rows)
        return
    temp = _copy_to_temp(session, table, columns, rows)
    column_list = ", ".join(f'"{c}"' for c in columns)
    key_list = ", ".join(f'"{k}"' for k in keys)
    assignments = ", ".join(f'"{c}" = excluded."{c}"' for c in updated)
    session.execute(
        text(
            f'INSERT INTO "{table.name}" ({column_list}) SELECT {column_list} FROM "{temp}"'  # noqa: S608
            f" ON CONFLICT ({key_list}) DO UPDATE SET {assignments}"
        )
    )
    session.execute(text(f'DROP TABLE "{temp}"'))


def refresh_statistics(session: Session, tables: Mapping[str, Sequence[str]], written: int) -> None:
    """After a bulk load of `written` rows into the first of `tables` (the others grow
    with it): fresh planner statistics of the named columns, so the next queries pick
    indexes. Only when the load grew it by a tenth or more, the share past which
    autovacuum analyzes it too (autovacuum_analyze_scale_factor): a smaller load leaves
    the statistics as good as autovacuum keeps them, and sampling a large table takes
    seconds. (PostgreSQL only; the owner's lb_refresh_statistics does it for the app
    role, migration 0022.)"""
    if not _is_postgres(session):
        return
    first = next(iter(tables))
    known = session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": first}
    )
    if written * 10 < (known or 0):  # -1: never analyzed
        return
    for table, columns in tables.items():
        session.execute(
            text("SELECT lb_refresh_statistics(:t, :c)"), {"t": table, "c": list(columns)}
        )
