"""Logical backups with pg_dump and restores with pg_restore (`laborbridge db backup` and
`db restore`).

Row security is forced on every tenant table, so only a role with BYPASSRLS dumps every
tenant's rows (the owner's dump fails; with --enable-row-security it is empty): the
backup role of deploy/postgres/roles.sql. A restore runs as the owner into an empty
database; pg_dump puts ENABLE ROW LEVEL SECURITY, policies and triggers after the data,
so COPY loads the rows before any policy or trigger applies.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A refusal or a failed tool run, in both languages (zh, en)."""

    def __init__(self, zh: str, en: str, output: str = "") -> None:
        super().__init__(en)
        self.zh, self.en, self.output = zh, en, output


@dataclass(frozen=True)
class Target:
    """A libpq connection: the URI without its password, and the password apart, so
    that it never shows in the process list."""

    uri: str
    password: str | None
    user: str
    database: str

    @classmethod
    def from_url(cls, url: str) -> "Target":
        parsed: URL = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise BackupError("备份和恢复只支持 PostgreSQL", "backups and restores need PostgreSQL")
        bare = parsed.set(drivername="postgresql", password=None)
        return cls(
            uri=bare.render_as_string(hide_password=False),
            password=parsed.password,
            user=parsed.username or "",
            database=parsed.database or "",
        )

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.uri, password=self.password, autocommit=True)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}(请安装 PostgreSQL 客户端)",
            f"{name} not found (install the PostgreSQL client tools)",
        )
    return path


def _run(args: list[str], target: Target) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed tool, arguments from the operator
        args, env=target.env(), capture_output=True, text=True, check=False
    )


def check_backup_role(target: Target) -> None:
    """Refuse a role that row security would hide rows from: its dump would fail."""
    with target.connect() as conn:
        row = conn.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if not (row and row[0]):
        raise BackupError(
            f"备份角色 {target.user} 没有 BYPASSRLS,看不到各单位的数据;"
            "请使用 deploy/postgres/roles.sql 中的 laborbridge_backup",
            f"the backup role {target.user} lacks BYPASSRLS and cannot see the tenants' rows;"
            " use laborbridge_backup from deploy/postgres/roles.sql",
        )


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: int


def backup(url: str, path: Path) -> BackupResult:
    """pg_dump in custom format to `path` (written beside it, then moved into place)."""
    target = Target.from_url(url)
    pg_dump = _tool("pg_dump")
    check_backup_role(target)
    partial = path.with_name(path.name + ".partial")
    done = _run(
        [pg_dump, "--format=custom", "--no-password", f"--file={partial}", target.uri], target
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError("pg_dump 失败", "pg_dump failed", done.stderr)
    partial.replace(path)
    return BackupResult(path, path.stat().st_size, count_table_data(path))


def count_table_data(path: Path) -> int:
    """How many tables' rows the archive holds (its table of contents)."""
    listing = subprocess.run(  # noqa: S603 - fixed tool
        [_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError("无法读取备份文件", "cannot read the backup file", listing.stderr)
    return sum(" TABLE DATA " in line for line in listing.stdout.splitlines())


def check_empty(target: Target) -> None:
    """A restore goes into a fresh database only: it never merges into live data."""
    with target.connect() as conn:
        count = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        ).fetchone()
    if count and count[0]:
        raise BackupError(
            f"数据库 {target.database} 不是空的(已有 {count[0]} 个表或序列);请恢复到新建的空数据库",
            f"database {target.database} is not empty ({count[0]} tables or sequences);"
            " restore into a freshly created, empty database",
        )


def restore(path: Path, url: str) -> None:
    """pg_restore into an empty database as the owner, all or nothing."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}", f"backup file {path} not found")
    target = Target.from_url(url)
    pg_restore = _tool("pg_restore")
    check_empty(target)
    # --no-owner: objects belong to whoever restores (the owner), whatever the source
    # database's owner was called; the grants to the app role are kept.
    done = _run(
        [
            pg_restore,
            "--no-owner",
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={target.uri}",
            str(path),
        ],
        target,
    )
    if done.returncode != 0:
        raise BackupError(
            "pg_restore 失败,未写入任何数据", "pg_restore failed; nothing was restored", done.stderr
        )
