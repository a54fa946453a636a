"""Settings from `LB_*` environment variables (pydantic-settings)."""

from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET_KEY = "demo-secret-key-change-me"  # noqa: S105 - the known default we refuse


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LB_", extra="ignore")

    env: Literal["demo", "development", "production"] = "demo"
    data_dir: Path = Path("var")
    # The app's connection. On PostgreSQL: a role that is neither owner, superuser nor
    # BYPASSRLS. Empty means the embedded SQLite file under data_dir.
    database_url: str = ""
    # Migrations and platform-operator commands run as the schema owner.
    owner_database_url: str = ""
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
    cookie_secure: bool | None = None  # default: on in production

    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

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

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"LB_TIME_ZONE {value!r} is not an IANA time zone name") from None
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.env != "demo" and self.secret_key.get_secret_value() == DEMO_SECRET_KEY:
            raise ValueError(
                "LB_SECRET_KEY is the demo default; set a random secret outside demo mode"
            )
        if self.env != "demo" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("LB_SECRET_KEY must be at least 32 characters outside demo mode")
        if self.is_production and not (
            self.data_key.get_secret_value() and self.lookup_key.get_secret_value()
        ):
            raise ValueError("LB_DATA_KEY and LB_LOOKUP_KEY are required in production")
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("LB_OIDC_CLIENT_ID is required when LB_OIDC_ISSUER is set")
        return self

    @property
    def app_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'laborbridge.sqlite3').resolve()}"

    @property
    def attachment_root(self) -> Path:
        return self.attachments_dir or self.data_dir / "attachments"

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
