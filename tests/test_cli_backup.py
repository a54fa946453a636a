"""`laborbridge db backup` and `db restore` refusals that need no PostgreSQL tools; the
backup and restore themselves are the drill in tests/deploy/test_backup_restore.py."""

from pathlib import Path


def test_a_backup_needs_the_backup_roles_url(cli, tmp_path: Path) -> None:
    result = cli("db", "backup", "--to", str(tmp_path / "x.dump"))
    assert result.exit_code == 1
    assert "未设置 LB_BACKUP_DATABASE_URL" in result.stderr
    assert "LB_BACKUP_DATABASE_URL (the backup role's connection) is not set" in result.stderr
    assert not (tmp_path / "x.dump").exists()


def test_a_restore_needs_an_archive_and_postgresql(cli, tmp_path: Path) -> None:
    missing = cli("db", "restore", str(tmp_path / "none.dump"), "--into", "sqlite:///x.db")
    assert missing.exit_code == 1
    assert "找不到备份文件" in missing.stderr and "not found" in missing.stderr
    archive = tmp_path / "a.dump"
    archive.write_bytes(b"PGDMP")
    sqlite = cli("db", "restore", str(archive), "--into", f"sqlite:///{tmp_path / 'r.db'}")
    assert sqlite.exit_code == 1
    assert "只支持 PostgreSQL" in sqlite.stderr and "need PostgreSQL" in sqlite.stderr
