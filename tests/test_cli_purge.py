"""`laborbridge purge`, the nightly retention job: of each kind only what is older than
its age goes; what is recent, and what still serves (a committed import, a personal
token without expiry), stays. Both legs; on PostgreSQL the idempotency keys sit behind
forced row security, which stays forced afterwards."""

import os
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from shared_models import ApiToken, IdempotencyRecord, ImportBatch, SignInAttempt, WebSession
from shared_models.enums import ImportStatus, TokenKind

NOW = datetime.now(UTC)


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _session(user_id: uuid.UUID, *, seen_days: float, expires_days: float, ended_days=None):  # type: ignore[no-untyped-def]
    return WebSession(
        id=uuid.uuid4(),
        token_hash=secrets.token_hex(32),
        user_id=user_id,
        csrf_secret=secrets.token_hex(16),
        created_at=_ago(seen_days + 1),
        last_seen_at=_ago(seen_days),
        expires_at=_ago(expires_days),
        ended_at=_ago(ended_days) if ended_days is not None else None,
    )


def _token(user_id: uuid.UUID, *, created_days: float, expires_days=None, revoked_days=None):  # type: ignore[no-untyped-def]
    return ApiToken(
        id=uuid.uuid4(),
        token_hash=secrets.token_hex(32),
        user_id=user_id,
        kind=TokenKind.PERSONAL,
        name="test",
        prefix="lbp_test",
        created_at=_ago(created_days),
        expires_at=_ago(expires_days) if expires_days is not None else None,
        revoked_at=_ago(revoked_days) if revoked_days is not None else None,
    )


def _batch(tenant_id: uuid.UUID, status: ImportStatus, days: float) -> ImportBatch:
    return ImportBatch(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        kind="laborers",
        filename="台账.xlsx",
        sha256="0" * 64,
        size_bytes=1,
        status=status,
        rows=1,
        summary={},
        created_by_label="test",
        created_at=_ago(days),
    )


def _staged_file(root: Path, name: str, days: float) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    path.write_bytes(b"sealed")
    stamp = time.time() - days * 86400
    os.utime(path, (stamp, stamp))
    return path


def test_purge_removes_only_what_is_older_than_its_age(cli, world) -> None:
    user = world.users["wushan.staff"]
    wushan, yantai = world.orgs["wushan"], world.orgs["yantai"]
    keep, gone = {}, {}
    with world.superuser_session() as session:
        gone["sessions"] = [
            _session(user, seen_days=40, expires_days=39, ended_days=40),  # signed out
            _session(user, seen_days=35, expires_days=34),  # ran out
        ]
        keep["sessions"] = [
            _session(user, seen_days=0, expires_days=-0.5),  # in use
            _session(user, seen_days=2, expires_days=1, ended_days=2),  # ended lately
        ]
        gone["tokens"] = [
            _token(user, created_days=400, expires_days=35),
            _token(user, created_days=100, expires_days=None, revoked_days=31),
        ]
        keep["tokens"] = [
            _token(user, created_days=400),  # no expiry, never revoked
            _token(user, created_days=10, expires_days=-20),
            _token(user, created_days=10, revoked_days=3),
        ]
        gone["attempts"] = [
            SignInAttempt(username="wushan.staff", succeeded=False, attempted_at=_ago(91)),
            SignInAttempt(username="nobody", succeeded=True, attempted_at=_ago(200)),
        ]
        keep["attempts"] = [
            SignInAttempt(username="wushan.staff", succeeded=False, attempted_at=_ago(89)),
        ]
        gone["keys"] = [
            IdempotencyRecord(
                tenant_id=org, key=f"old-{org}", scope="claim", request_hash="0" * 64,
                created_at=_ago(31),
            )
            for org in (wushan, yantai)
        ]  # fmt: skip
        keep["keys"] = [
            IdempotencyRecord(
                tenant_id=wushan, key="new", scope="claim", request_hash="0" * 64,
                created_at=_ago(29),
            )
        ]  # fmt: skip
        gone["batches"] = [
            _batch(wushan, ImportStatus.PREVIEWED, 2),
            _batch(yantai, ImportStatus.REJECTED, 3),
        ]
        keep["batches"] = [
            _batch(wushan, ImportStatus.COMMITTED, 300),
            _batch(wushan, ImportStatus.PREVIEWED, 0.5),
        ]
        for rows in (*gone.values(), *keep.values()):
            session.add_all(rows)
        session.commit()
        counts_before = {
            model: len(session.scalars(select(model)).all())
            for model in (WebSession, ApiToken, SignInAttempt, IdempotencyRecord, ImportBatch)
        }

    uploads = Path(world.settings.data_dir) / "uploads"
    old_files = [
        _staged_file(uploads / "imports", f"{uuid.uuid4()}.bin", 2),
        _staged_file(uploads / "jobs", f"{uuid.uuid4()}.result.bin", 1.5),
    ]
    new_files = [_staged_file(uploads / "imports", f"{uuid.uuid4()}.bin", 0.5)]

    result = cli("purge")
    assert result.exit_code == 0, result.output
    for line in (
        "已清理 / purged:",
        "网页会话 / web sessions: 2",
        "API 令牌 / API tokens: 2",
        "登录尝试记录 / sign-in attempts: 2",
        "幂等键 / idempotency keys: 2",
        "未提交的导入 / uncommitted imports: 2",
        "暂存的上传文件 / staged upload files: 2",
    ):
        assert line in result.output

    def ids(model, rows):  # type: ignore[no-untyped-def]
        key = model.key if model is IdempotencyRecord else model.id
        return {getattr(r, key.key) for r in rows}

    with world.superuser_session() as session:
        for kind, model in (
            ("sessions", WebSession),
            ("tokens", ApiToken),
            ("attempts", SignInAttempt),
            ("keys", IdempotencyRecord),
            ("batches", ImportBatch),
        ):
            left = ids(model, session.scalars(select(model)).all())
            assert ids(model, keep[kind]) <= left, f"recent {kind} stay"
            assert not ids(model, gone[kind]) & left, f"old {kind} go"
            assert len(left) == counts_before[model] - len(gone[kind])
        if session.get_bind().dialect.name == "postgresql":
            forced = session.scalar(
                text(
                    "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'idempotency_records'"
                )
            )
            assert forced is True, "row security is forced again after the purge"
    assert not any(p.exists() for p in old_files)
    assert all(p.exists() for p in new_files)

    again = cli("purge")
    assert again.exit_code == 0, again.output
    assert "网页会话 / web sessions: 0" in again.output


def test_purge_ages_are_configurable(cli, world) -> None:
    with world.superuser_session() as session:
        session.add(SignInAttempt(username="x", succeeded=False, attempted_at=_ago(10)))
        session.commit()
    result = cli("purge", "--sign-in-attempts-days", "30")
    assert "登录尝试记录 / sign-in attempts: 0" in result.output
    result = cli("purge", "--sign-in-attempts-days", "7")
    assert result.exit_code == 0, result.output
    assert "登录尝试记录 / sign-in attempts: 1" in result.output
    refused = cli("purge", "--staged-days", "0")
    assert refused.exit_code != 0
