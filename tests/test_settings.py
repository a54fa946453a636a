"""Settings come from LB_* variables; outside demo mode default secrets are refused."""

import base64

import pytest
from pydantic import ValidationError

from api.app import create_app
from api.db import UnsafeDatabaseRole
from api.settings import DEMO_SECRET_KEY, Settings, SettingsError, read_settings

KEY = base64.b64encode(b"k" * 32).decode()
PRODUCTION = {
    "LB_ENV": "production",
    "LB_SECRET_KEY": "p" * 40,
    "LB_DATA_KEY": KEY,
    "LB_LOOKUP_KEY": KEY,
    "LB_DATABASE_URL": "postgresql+psycopg://laborbridge_web:pw@db/laborbridge",
}


def test_defaults_are_the_demo(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.env == "demo"
    assert settings.app_database_url == f"sqlite:///{tmp_path / 'var' / 'laborbridge.sqlite3'}"
    assert settings.migration_database_url == settings.app_database_url
    assert settings.secure_cookies is False


def test_environment_variables(monkeypatch):
    monkeypatch.setenv("LB_DATABASE_URL", "postgresql+psycopg://app@db/lb")
    monkeypatch.setenv("LB_OWNER_DATABASE_URL", "postgresql+psycopg://owner@db/lb")
    monkeypatch.setenv("LB_DATA_DIR", "/srv/laborbridge")
    settings = Settings()
    assert settings.app_database_url == "postgresql+psycopg://app@db/lb"
    assert settings.migration_database_url == "postgresql+psycopg://owner@db/lb"
    assert str(settings.data_dir) == "/srv/laborbridge"


@pytest.mark.parametrize("env", ["production", "development"])
def test_default_secret_refused_outside_demo(monkeypatch, env):
    monkeypatch.setenv("LB_ENV", env)
    with pytest.raises(ValidationError, match="demo default"):
        Settings()
    monkeypatch.setenv("LB_SECRET_KEY", "too-short")
    with pytest.raises(ValidationError, match="at least 32"):
        Settings()
    monkeypatch.setenv("LB_SECRET_KEY", "x" * 40)
    if env == "production":
        monkeypatch.setenv("LB_DATABASE_URL", "postgresql+psycopg://app@db/lb")
        with pytest.raises(ValidationError, match="LB_DATA_KEY and LB_LOOKUP_KEY"):
            Settings()
        key = base64.b64encode(b"k" * 32).decode()
        monkeypatch.setenv("LB_DATA_KEY", key)
        monkeypatch.setenv("LB_LOOKUP_KEY", key)
    settings = Settings()
    assert settings.secret_key.get_secret_value() != DEMO_SECRET_KEY
    assert settings.secure_cookies is (env == "production")


def test_oidc_needs_a_client_id(monkeypatch):
    monkeypatch.setenv("LB_OIDC_ISSUER", "https://id.example.gov.cn")
    with pytest.raises(ValidationError, match="CLIENT_ID"):
        Settings()
    monkeypatch.setenv("LB_OIDC_CLIENT_ID", "laborbridge")
    assert Settings().oidc_enabled


@pytest.mark.postgres_only
def test_production_refuses_a_privileged_database_role(world):
    """The owner role owns the tables: in production the app will not start with it."""
    settings = world.settings.model_copy(
        update={"env": "production", "database_url": world.settings.owner_database_url}
    )
    with pytest.raises(UnsafeDatabaseRole, match="owns"):
        create_app(settings)


def _production(monkeypatch, **changes: str | None) -> None:
    for name, value in (PRODUCTION | changes).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def _refusal(monkeypatch, **changes: str | None) -> str:
    """The one line read_settings() refuses with, for a production set-up with changes."""
    _production(monkeypatch, **changes)
    with pytest.raises(SettingsError) as refused:
        read_settings()
    lines = str(refused.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_complete_production_set_up_is_accepted(monkeypatch):
    _production(monkeypatch)
    settings = read_settings()
    assert settings.is_production and settings.secure_cookies


def test_production_refuses_sqlite(monkeypatch):
    line = _refusal(monkeypatch, LB_DATABASE_URL=None)  # unset: the embedded SQLite file
    assert line.startswith("生产环境不使用 SQLite")
    assert "production refuses SQLite: set LB_DATABASE_URL" in line
    explicit = _refusal(monkeypatch, LB_DATABASE_URL="sqlite:////srv/lb.sqlite3")
    assert explicit == line
    owner = _refusal(monkeypatch, LB_OWNER_DATABASE_URL="sqlite:////srv/lb.sqlite3")
    assert owner == line


def test_production_refuses_an_insecure_cookie(monkeypatch):
    line = _refusal(monkeypatch, LB_COOKIE_SECURE="false")
    assert line.startswith("生产环境不允许不安全的 Cookie")
    assert "production refuses insecure cookies: remove LB_COOKIE_SECURE=false" in line
    monkeypatch.setenv("LB_COOKIE_SECURE", "true")
    assert read_settings().secure_cookies


@pytest.mark.parametrize("secret", [None, DEMO_SECRET_KEY])
def test_production_refuses_an_unset_or_default_secret(monkeypatch, secret):
    line = _refusal(monkeypatch, LB_SECRET_KEY=secret)
    assert line.startswith("LB_SECRET_KEY 未设置或仍是演示默认值")
    assert "LB_SECRET_KEY is unset or the demo default" in line
    assert "laborbridge keys generate" in line


def test_production_refuses_missing_data_keys(monkeypatch):
    line = _refusal(monkeypatch, LB_LOOKUP_KEY=None)
    assert line.startswith("生产环境必须设置 LB_DATA_KEY 和 LB_LOOKUP_KEY")
    assert "LB_DATA_KEY and LB_LOOKUP_KEY are required in production" in line


@pytest.mark.parametrize(
    "bad",
    [
        base64.b64encode(b"k" * 16).decode(),  # 16 bytes: AES-128, not what pii.py takes
        base64.urlsafe_b64encode(b"\xfb" * 32).decode(),  # URL-safe alphabet: "-" and "_"
        "not base64 at all!",
    ],
)
def test_a_data_key_must_be_32_bytes_of_standard_base64(monkeypatch, bad):
    line = _refusal(monkeypatch, LB_DATA_KEY=bad)
    assert line.startswith("LB_DATA_KEY 必须是 base64 编码的 32 字节密钥")
    assert "LB_DATA_KEY must be 32 bytes, base64-encoded" in line
    assert bad not in line  # a secret is never echoed


@pytest.mark.parametrize("name", ["LB_AUDIT_ANCHOR_KEY", "LB_AUDIT_ANCHOR_PUBLIC_KEY"])
def test_an_audit_anchor_key_must_be_32_bytes_of_standard_base64(monkeypatch, name):
    bad = base64.b64encode(b"k" * 16).decode()
    line = _refusal(monkeypatch, **{name: bad})
    assert line.startswith(f"{name} 必须是 base64 编码的 32 字节密钥")
    assert f"{name} must be 32 bytes, base64-encoded" in line
    assert bad not in line


def test_every_problem_at_once_one_line_each_without_values(monkeypatch):
    _production(
        monkeypatch,
        LB_SECRET_KEY="short-but-secret",
        LB_DATA_KEY=None,
        LB_DATABASE_URL=None,
        LB_COOKIE_SECURE="false",
        LB_DB_POOL_SIZE="many",
    )
    with pytest.raises(SettingsError) as refused:
        read_settings()
    lines = str(refused.value).splitlines()
    # pydantic checks fields before the model, so the bad pool size comes alone first.
    assert lines == [
        "LB_DB_POOL_SIZE 的值无效 / invalid LB_DB_POOL_SIZE: Input should be a valid integer,"
        " unable to parse string as an integer"
    ]
    monkeypatch.delenv("LB_DB_POOL_SIZE")
    with pytest.raises(SettingsError) as refused:
        read_settings()
    lines = str(refused.value).splitlines()
    assert [line.split(" / ")[1].split(" ")[0] for line in lines] == [
        "LB_SECRET_KEY",
        "LB_DATA_KEY",
        "production",
        "production",
    ]
    assert "short-but-secret" not in str(refused.value)


def test_a_read_replica_must_be_postgresql(monkeypatch):
    monkeypatch.setenv("LB_DATABASE_REPLICA_URL", "sqlite:///replica.sqlite3")
    with pytest.raises(SettingsError) as refused:
        read_settings()
    assert str(refused.value).splitlines() == [
        "LB_DATABASE_REPLICA_URL 必须是 PostgreSQL 只读副本的地址"
        " / LB_DATABASE_REPLICA_URL must be the URL of a PostgreSQL read replica"
    ]
    monkeypatch.setenv("LB_DATABASE_REPLICA_URL", "postgresql+psycopg://app@replica/laborbridge")
    assert read_settings().database_replica_url.endswith("@replica/laborbridge")


def test_trusted_proxies_are_addresses_or_ranges(monkeypatch):
    _production(monkeypatch, LB_TRUSTED_PROXIES=" 10.244.0.0/16, 192.168.1.7 ,fd00::/8")
    assert read_settings().trusted_proxies == ["10.244.0.0/16", "192.168.1.7/32", "fd00::/8"]
    _production(monkeypatch, LB_TRUSTED_PROXIES=None)
    assert read_settings().trusted_proxies == []  # none: the connecting address counts


@pytest.mark.parametrize("everyone", ["*", "0.0.0.0/0", "::/0"])
def test_trusting_every_address_is_refused(monkeypatch, everyone):
    line = _refusal(monkeypatch, LB_TRUSTED_PROXIES=f"10.0.0.0/8,{everyone}")
    assert "LB_TRUSTED_PROXIES" in line and " / " in line


def test_the_old_name_of_the_trusted_proxies_is_refused_not_ignored(monkeypatch):
    line = _refusal(monkeypatch, LB_FORWARDED_ALLOW_IPS="10.244.0.0/16")
    assert line == (
        "LB_FORWARDED_ALLOW_IPS 已改名为 LB_TRUSTED_PROXIES，请改用新名称"
        " / LB_FORWARDED_ALLOW_IPS is now LB_TRUSTED_PROXIES; rename it"
    )
