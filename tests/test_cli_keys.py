"""`laborbridge keys generate` prints an env file of fresh keys that production accepts."""

import base64

import pytest
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.security.pii import PiiCipher, PiiError
from api.settings import Settings
from tests.deploy.compose_env import read_env_file

REQUIRED = {"LB_SECRET_KEY", "LB_DATA_KEY", "LB_LOOKUP_KEY"}


def _generate(tmp_path, name: str) -> dict[str, str]:
    result = CliRunner().invoke(cli_app, ["keys", "generate"])
    assert result.exit_code == 0, result.output
    path = tmp_path / name
    path.write_text(result.stdout)
    for line in result.stdout.splitlines():  # comments, or KEY=value without quotes
        assert line.startswith("# ") or ("=" in line and '"' not in line and " " not in line)
    return read_env_file(path)


def test_keys_are_fresh_complete_and_accepted_in_production(tmp_path, monkeypatch):
    first, second = _generate(tmp_path, "a.env"), _generate(tmp_path, "b.env")
    assert set(first) == set(second) == REQUIRED
    assert not set(first.values()) & set(second.values())  # nothing repeats between runs
    assert first["LB_DATA_KEY"] != first["LB_LOOKUP_KEY"]
    assert len(base64.b64decode(first["LB_DATA_KEY"], validate=True)) == 32
    for name, value in first.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LB_ENV", "production")
    monkeypatch.setenv("LB_DATABASE_URL", "postgresql+psycopg://laborbridge_web:pw@db/lb")
    settings = Settings()
    cipher = PiiCipher(settings)
    sealed = cipher.encrypt("11010519491231002X", "id_number")
    assert cipher.decrypt(sealed, "id_number") == "11010519491231002X"
    # The key in use is the generated one, not one derived from the secret key.
    monkeypatch.setenv("LB_DATA_KEY", second["LB_DATA_KEY"])
    other = PiiCipher(Settings())
    assert other.encrypt("x", "f") != sealed
    with pytest.raises(PiiError):
        other.decrypt(sealed, "id_number")
