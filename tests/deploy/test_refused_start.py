"""A deployment missing its secrets stops at once with one clear bilingual line per
problem: the migration (`laborbridge db upgrade`, as compose runs it) and the server
(gunicorn with deploy/gunicorn.conf.py, the image's command), as real processes."""

import json
import subprocess
from pathlib import Path

from api.cpu_quota import default_workers
from tests.deploy import compose_env
from tests.deploy.processes import ROOT, argv, process_env

SECRET = "s" * 40


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv(command),
        env=process_env(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _without_keys(tmp_path: Path) -> dict[str, str]:
    """The compose file's environment with an empty laborbridge.env (the keys not made)."""
    empty = tmp_path / "laborbridge.env"
    empty.write_text("")
    env = compose_env.service_environment("migrate", {"laborbridge.env": empty})
    return env | {"LB_DATA_DIR": str(tmp_path)}


def test_migration_without_the_keys_names_each_missing_secret(tmp_path):
    result = _run(compose_env.services()["migrate"]["command"], _without_keys(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr  # no traceback, no pydantic dump
    assert "LB_SECRET_KEY" in lines[0] and "laborbridge keys generate" in lines[0]
    assert "LB_DATA_KEY" in lines[1] and "LB_LOOKUP_KEY" in lines[1]
    assert all("配置错误 / Settings error:" in line for line in lines)


def test_server_refuses_sqlite_and_insecure_cookies_before_any_worker(tmp_path):
    keys = {"LB_SECRET_KEY": SECRET, "LB_DATA_KEY": "A" * 43 + "=", "LB_LOOKUP_KEY": "B" * 44}
    env = {
        "LB_ENV": "production",
        "LB_DATA_DIR": str(tmp_path),
        "LB_COOKIE_SECURE": "false",
        "LB_BIND": "127.0.0.1:0",
        **keys,
    }
    result = _run(compose_env.image_command(), env)
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert [r["level"] for r in records] == ["ERROR"] * 3, result.stderr
    messages = [r["message"] for r in records]
    for chinese, english in [
        ("生产环境不使用 SQLite", "production refuses SQLite"),
        ("LB_LOOKUP_KEY 必须是 base64", "LB_LOOKUP_KEY must be 32 bytes"),  # "B" * 44: 33
        ("不安全的 Cookie", "production refuses insecure cookies"),
    ]:
        assert sum(chinese in m and english in m for m in messages) == 1, messages
    assert not any(value in result.stderr for value in keys.values())


def _gunicorn_config(env: dict[str, str]) -> dict[str, str]:
    *gunicorn, app = compose_env.image_command()
    result = _run([*gunicorn, "--print-config", app], env)
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_workers_default_to_the_cpu_quota_and_lb_workers_overrides(tmp_path):
    env = {"LB_ENV": "demo", "LB_DATA_DIR": str(tmp_path)}
    config = _gunicorn_config(env)
    assert config["workers"] == str(default_workers())
    assert config["worker_class"] == "uvicorn_worker.UvicornWorker"
    assert config["accesslog"] == "None"  # the app's JSON access log instead
    assert _gunicorn_config(env | {"LB_WORKERS": "7"})["workers"] == "7"
    refused = _run(compose_env.image_command(), env | {"LB_WORKERS": "lots"})
    assert refused.returncode == 1
    assert json.loads(refused.stderr)["message"].startswith(
        "LB_WORKERS 的值无效 / invalid LB_WORKERS"
    )
