"""`laborbridge db backup` and `laborbridge db restore`: logical backups (pg_dump, custom
format) taken with the backup role, restored by the owner into an empty database."""

from pathlib import Path
from typing import Annotated

import typer

from api import pg_backup
from api.cli.common import err, load_settings, out

app = typer.Typer()


def _fail(exc: pg_backup.BackupError) -> typer.Exit:
    err.print(f"[red]错误 / Error:[/red] {exc.zh} / {exc.en}", highlight=False, soft_wrap=True)
    if exc.output:
        err.print(exc.output.rstrip(), highlight=False, markup=False)
    return typer.Exit(1)


@app.command("backup")
def db_backup(
    to: Annotated[Path, typer.Option("--to", help="The archive to write (pg_dump custom format).")],
) -> None:
    """Dump the whole database with the backup role (LB_BACKUP_DATABASE_URL)."""
    settings = load_settings()
    if not settings.backup_database_url:
        err.print(
            "[red]错误 / Error:[/red] 未设置 LB_BACKUP_DATABASE_URL(备份角色的连接)"
            " / LB_BACKUP_DATABASE_URL (the backup role's connection) is not set",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    try:
        result = pg_backup.backup(settings.backup_database_url, to)
    except pg_backup.BackupError as exc:
        raise _fail(exc) from None
    out.print(
        f"备份完成 / backup written: {result.path}"
        f" ({result.size_bytes} 字节 / bytes, {result.tables} 个表 / tables)",
        highlight=False,
        soft_wrap=True,
    )


@app.command("restore")
def db_restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `db backup`.")],
    into: Annotated[str, typer.Option("--into", help="The owner's URL of a new, empty database.")],
) -> None:
    """Restore an archive as the owner into an empty database (all or nothing); then run
    `db upgrade` and `audit verify` against it."""
    load_settings()
    try:
        pg_backup.restore(archive, into)
    except pg_backup.BackupError as exc:
        raise _fail(exc) from None
    out.print(f"恢复完成 / restored: {archive}", highlight=False, soft_wrap=True)
