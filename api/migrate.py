"""Running the Alembic chain from code (`laborbridge db upgrade`, tests)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import migrations
from api.db import ensure_sqlite_directory

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def alembic_config(url: str, *, app_role: str = "laborbridge_app") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["app_role"] = app_role
    return config


def upgrade(url: str, *, app_role: str, revision: str = "head") -> None:
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url, app_role=app_role), revision)


def downgrade(url: str, *, app_role: str, revision: str) -> None:
    command.downgrade(alembic_config(url, app_role=app_role), revision)


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
