"""`laborbridge purge`: the nightly retention job."""

from typing import Annotated, Any

import typer

from api.cli.common import operator_session, out
from api.retention import service as retention

app = typer.Typer()
DEFAULTS = retention.Ages()


def _days(default: int, what: str) -> Any:  # typer.Option is typed Any
    return typer.Option(min=1, help=f"Keep {what} this many days (default {default}).")


@app.command()
def purge(
    sessions_days: Annotated[
        int, _days(DEFAULTS.sessions_days, "web sessions after they end or expire")
    ] = DEFAULTS.sessions_days,
    tokens_days: Annotated[
        int, _days(DEFAULTS.tokens_days, "API tokens after they expire or are revoked")
    ] = DEFAULTS.tokens_days,
    sign_in_attempts_days: Annotated[
        int, _days(DEFAULTS.sign_in_attempts_days, "sign-in attempts")
    ] = DEFAULTS.sign_in_attempts_days,
    idempotency_days: Annotated[
        int, _days(DEFAULTS.idempotency_days, "Idempotency-Key answers")
    ] = DEFAULTS.idempotency_days,
    staged_days: Annotated[
        int, _days(DEFAULTS.staged_days, "uncommitted imports and staged upload files")
    ] = DEFAULTS.staged_days,
) -> None:
    """Delete expired sessions and tokens, old sign-in attempts and Idempotency-Key
    answers, and imports never committed with their staged files. Run it nightly."""
    ages = retention.Ages(
        sessions_days=sessions_days,
        tokens_days=tokens_days,
        sign_in_attempts_days=sign_in_attempts_days,
        idempotency_days=idempotency_days,
        staged_days=staged_days,
    )
    with operator_session() as (session, settings):
        purged = retention.purge(session, settings, ages)
    out.print("已清理 / purged:")
    for label, count in (
        ("网页会话 / web sessions", purged.web_sessions),
        ("API 令牌 / API tokens", purged.api_tokens),
        ("登录尝试记录 / sign-in attempts", purged.sign_in_attempts),
        ("幂等键 / idempotency keys", purged.idempotency_keys),
        ("未提交的导入 / uncommitted imports", purged.uncommitted_imports),
        ("暂存的上传文件 / staged upload files", purged.staged_files),
    ):
        out.print(f"  {label}: {count}", highlight=False)
