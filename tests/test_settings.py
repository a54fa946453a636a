"""Settings come from LB_* variables; outside demo mode default secrets are refused."""

import base64

import pytest
from pydantic import ValidationError

from api.app import create_app
from api.db import UnsafeDatabaseRole
from api.settings import DEMO_SECRET_KEY, Settings


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
