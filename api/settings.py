"""Settings from `LB_*` environment variables (pydantic-settings).

`read_settings()` is the way in for the service and the command: what it refuses comes
out as `SettingsError`, one bilingual line per problem and never a value (they are secrets).
"""

import base64
import binascii
import ipaddress
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEMO_SECRET_KEY = "demo-secret-key-change-me"  # noqa: S105 - the known default we refuse
DATA_KEY_BYTES = 32  # LB_DATA_KEY (AES-256-GCM) and LB_LOOKUP_KEY (HMAC-SHA256)


class SettingsError(Exception):
    """The settings are refused; str() is one bilingual line per problem."""


def is_data_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == DATA_KEY_BYTES
    except (binascii.Error, ValueError):
        return False


def read_settings() -> "Settings":
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("\n".join(_problem_lines(exc))) from None


def _problem_lines(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        if error["type"] == "value_error" and not error["loc"]:
            # Our own refusals (the model validator): already bilingual, one per line.
            lines += str(error["ctx"]["error"]).splitlines()
        elif error["type"] == "value_error":
            lines.append(str(error["ctx"]["error"]))
        else:
            name = "LB_" + "_".join(str(part) for part in error["loc"]).upper()
            lines.append(f"{name} 的值无效 / invalid {name}: {error['msg']}")
    return lines


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LB_", extra="ignore")

    env: Literal["demo", "development", "production"] = "demo"
    data_dir: Path = Path("var")
    # The app's connection. On PostgreSQL: a role that is neither owner, superuser nor
    # BYPASSRLS. Empty means the embedded SQLite file under data_dir.
    database_url: str = ""
    # Migrations and platform-operator commands run as the schema owner.
    owner_database_url: str = ""
    # `laborbridge db backup` connects as the read-only backup role (BYPASSRLS), so that
    # pg_dump sees every tenant's rows (deploy/postgres/roles.sql).
    backup_database_url: str = ""
    # A read replica (a PostgreSQL hot standby) for the heavy reads: statistics, the
    # oversight pages, report packs and laborer exports (docs/scaling.md). Empty: the
    # primary serves them, as every other request.
    database_replica_url: str = ""
    # The role the migrations grant table rights to (docs/operations.md).
    db_app_role: str = "laborbridge_app"
    db_pool_size: int = 5
    db_echo: bool = False
    # Limits on every PostgreSQL connection (docs/operations.md, "Database limits"): a
    # frozen or overloaded database answers 503 within seconds instead of hanging.
    # The last three are set per transaction (SET LOCAL), so they hold through PgBouncer
    # in transaction mode; 0 turns one off.
    db_connect_timeout_seconds: int = Field(default=3, ge=2, le=120)
    db_pool_timeout_seconds: float = Field(default=5, gt=0, le=300)
    db_statement_timeout_seconds: float = Field(default=30, ge=0)
    db_lock_timeout_seconds: float = Field(default=5, ge=0)
    db_idle_in_transaction_timeout_seconds: float = Field(default=60, ge=0)
    # Operator commands (imports, nightly jobs) and background jobs: statement, lock and
    # idle-in-transaction limits all take this instead (0: none).
    db_batch_timeout_seconds: float = Field(default=900, ge=0)
    # /readyz, and the check of a pooled connection before each use: a database or object
    # store that does not answer within this is taken for unavailable.
    probe_timeout_seconds: float = Field(default=2, gt=0, le=30)
    # Prometheus metrics on their own port (0: none); see docs/operations.md, "Metrics".
    metrics_port: int = Field(default=0, ge=0, le=65535)

    secret_key: SecretStr = SecretStr(DEMO_SECRET_KEY)
    # Personal data: AES-256-GCM key and HMAC key (32 bytes each, base64). Outside
    # production they default to keys derived from the secret key; production needs
    # both set, so that rotating the secret key never makes stored data unreadable.
    data_key: SecretStr = SecretStr("")
    lookup_key: SecretStr = SecretStr("")

    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    access_token_minutes: int = Field(default=60, ge=1)
    personal_token_max_days: int = Field(default=365, ge=1)
    signin_max_failures: int = Field(default=5, ge=1)
    signin_window_minutes: int = Field(default=15, ge=1)
    signin_max_failures_per_ip: int = Field(default=50, ge=1)
    # A remembered device (docs/security.md): a successful sign-in leaves a signed cookie
    # for that account, kept this long; with it the account's owner still gets in while
    # strangers' failures have the account locked for everyone else.
    signin_device_days: int = Field(default=180, ge=1, le=400)
    # The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or
    # CIDR ranges, comma-separated. Empty: the connecting address is the client's.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # The earlier name of trusted_proxies; refused, so that it is never silently ignored.
    forwarded_allow_ips: str = ""
    cookie_secure: bool | None = None  # default: on in production

    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    # The roster and the vacancy pool count their matches up to this many; a page
    # beyond says "more than" (docs/api.md). Counting a whole register took seconds.
    list_count_cap: int = Field(default=10_000, ge=1)

    max_json_bytes: int = Field(default=1_048_576, ge=1024)
    max_upload_bytes: int = Field(default=64 * 1_048_576, ge=1024)
    # Case attachments (photos, scans): one file at most this size, stored sealed under
    # this directory (default: data_dir/attachments).
    max_attachment_bytes: int = Field(default=10 * 1_048_576, ge=1024)
    attachments_dir: Path | None = None
    # Set a bucket to keep attachments in S3-compatible storage instead, so that several
    # app servers, or servers without lasting disk, share them. The endpoint is for MinIO
    # and the like; unset keys fall back to boto3's own chain (variables, profile, role).
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_key_prefix: str = "attachments/"

    # Audit anchors (docs/security.md): each tenant's chain head, signed with this
    # Ed25519 private key (32 bytes, base64) by `laborbridge audit anchor` and written to
    # the S3 bucket when one is set, else to this directory (default data_dir/audit-anchors).
    # A verifier may hold only the public key. Neither belongs with the database.
    audit_anchor_key: SecretStr = SecretStr("")
    audit_anchor_public_key: str = ""
    audit_anchor_dir: Path | None = None

    # OpenTelemetry tracing (docs/operations.md, "Tracing"): off unless set.
    otel_enabled: bool = False

    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scopes: str = "openid email profile"

    # The bureau's calendar: "today", form defaults and nightly jobs' as-of day (IANA name).
    time_zone: str = "Asia/Shanghai"
    # The fair's check-in desk opens this many bureau days before the fair (0: on the day).
    checkin_opens_days_before: int = Field(default=1, ge=0, le=7)
    # Period reports (docs/oversight.md): a week's report (周统计) is due on this weekday
    # of the week itself (0 Monday … 4 Friday … 6 Sunday); every report at this bureau
    # time of its due day (旬分析 and 月调度 on the day after the period).
    report_weekly_due_weekday: int = Field(default=4, ge=0, le=6)
    report_due_time: time = time(12, 0)
    # Background jobs (imports, handbooks): worker threads the app starts (0: none; run
    # `laborbridge worker` instead) and how often an idle worker looks for work.
    worker_threads: int = Field(default=1, ge=0, le=8)
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)

    # gunicorn's worker processes (deploy/gunicorn.conf.py); unset: from the CPU quota.
    workers: int | None = Field(default=None, ge=1, le=64)

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"LB_TIME_ZONE {value!r} 不是 IANA 时区名 / is not an IANA time zone name"
            ) from None
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_ranges(cls, value: object) -> list[str]:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            raise ValueError(
                "LB_TRUSTED_PROXIES 应为逗号分隔的地址 / expects comma-separated addresses"
            )
        ranges = []
        for item in (str(i).strip() for i in items):
            if not item:
                continue
            try:
                network = ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"LB_TRUSTED_PROXIES 中的 {item!r} 不是 IP 地址或 CIDR 网段"
                    f" / {item!r} in LB_TRUSTED_PROXIES is not an IP address or CIDR range"
                ) from None
            if network.prefixlen == 0:
                # Everyone could then write the client address that throttling counts.
                raise ValueError(
                    f"LB_TRUSTED_PROXIES 不能信任所有地址（{item}）"
                    f" / LB_TRUSTED_PROXIES must not trust every address ({item})"
                )
            ranges.append(str(network))
        return ranges

    @model_validator(mode="after")
    def _refuse_unsafe_settings(self) -> "Settings":
        # Every problem at once, one bilingual line each: the operator fixes them in one go.
        problems = [*self._secret_problems(), *self._production_problems()]
        if self.database_replica_url and not self.database_replica_url.startswith("postgres"):
            problems.append(
                "LB_DATABASE_REPLICA_URL 必须是 PostgreSQL 只读副本的地址"
                " / LB_DATABASE_REPLICA_URL must be the URL of a PostgreSQL read replica"
            )
        if self.forwarded_allow_ips:
            problems.append(
                "LB_FORWARDED_ALLOW_IPS 已改名为 LB_TRUSTED_PROXIES，请改用新名称"
                " / LB_FORWARDED_ALLOW_IPS is now LB_TRUSTED_PROXIES; rename it"
            )
        if self.oidc_issuer and not self.oidc_client_id:
            problems.append(
                "设置了 LB_OIDC_ISSUER 就必须设置 LB_OIDC_CLIENT_ID"
                " / LB_OIDC_CLIENT_ID is required when LB_OIDC_ISSUER is set"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _secret_problems(self) -> list[str]:
        problems = []
        secret = self.secret_key.get_secret_value()
        if self.env != "demo" and secret == DEMO_SECRET_KEY:
            problems.append(
                "LB_SECRET_KEY 未设置或仍是演示默认值，请用 `laborbridge keys generate` 生成"
                " / LB_SECRET_KEY is unset or the demo default;"
                " generate one with `laborbridge keys generate`"
            )
        elif self.env != "demo" and len(secret) < 32:
            problems.append(
                "LB_SECRET_KEY 在非演示模式下至少 32 个字符"
                " / LB_SECRET_KEY must be at least 32 characters outside demo mode"
            )
        for name, value in (("LB_DATA_KEY", self.data_key), ("LB_LOOKUP_KEY", self.lookup_key)):
            if value.get_secret_value() and not is_data_key(value.get_secret_value()):
                problems.append(
                    f"{name} 必须是 base64 编码的 32 字节密钥"
                    f" / {name} must be 32 bytes, base64-encoded (`laborbridge keys generate`)"
                )
        for name, text in (
            ("LB_AUDIT_ANCHOR_KEY", self.audit_anchor_key.get_secret_value()),
            ("LB_AUDIT_ANCHOR_PUBLIC_KEY", self.audit_anchor_public_key),
        ):
            if text and not is_data_key(text):
                problems.append(
                    f"{name} 必须是 base64 编码的 32 字节密钥"
                    f" / {name} must be 32 bytes, base64-encoded (docs/security.md)"
                )
        return problems

    def _production_problems(self) -> list[str]:
        if not self.is_production:
            return []
        problems = []
        if not (self.data_key.get_secret_value() and self.lookup_key.get_secret_value()):
            problems.append(
                "生产环境必须设置 LB_DATA_KEY 和 LB_LOOKUP_KEY（`laborbridge keys generate`）"
                " / LB_DATA_KEY and LB_LOOKUP_KEY are required in production"
                " (`laborbridge keys generate`)"
            )
        if any(
            url.split(":", 1)[0].split("+", 1)[0] == "sqlite"
            for url in (self.app_database_url, self.migration_database_url)
        ):
            problems.append(
                "生产环境不使用 SQLite：请把 LB_DATABASE_URL 设为 PostgreSQL 地址"
                " / production refuses SQLite: set LB_DATABASE_URL to a PostgreSQL URL"
            )
        if self.cookie_secure is False:
            problems.append(
                "生产环境不允许不安全的 Cookie：请删除 LB_COOKIE_SECURE=false"
                " / production refuses insecure cookies: remove LB_COOKIE_SECURE=false"
            )
        return problems

    @property
    def app_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'laborbridge.sqlite3').resolve()}"

    @property
    def attachment_root(self) -> Path:
        return self.attachments_dir or self.data_dir / "attachments"

    @property
    def audit_anchor_root(self) -> Path:
        return self.audit_anchor_dir or self.data_dir / "audit-anchors"

    @property
    def migration_database_url(self) -> str:
        return self.owner_database_url or self.app_database_url

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.is_production if self.cookie_secure is None else self.cookie_secure

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)
