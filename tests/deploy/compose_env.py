"""What a container of deploy/compose.yaml would see: the image's ENV, then the
service's env_file, then its environment (compose's order of precedence), with
`${VAR:-default}`-style interpolation from the given variables. Also the image's CMD and
working directory, so that tests run exactly what the image runs."""

import json
import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_]\w*))"
)


def interpolate(text: str, variables: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        value, op = variables.get(name), match["op"] or ""
        unset_or_empty = value is None or (op.startswith(":") and value == "")
        if op.endswith("-") and unset_or_empty:
            return match["arg"]
        if op.endswith("?") and unset_or_empty:
            raise ValueError(f"compose would refuse to start: {name}: {match['arg']}")
        return value or ""

    return _VARIABLE.sub(replace, text)


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def services() -> dict[str, dict]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def service_environment(
    name: str, env_files: dict[str, Path], variables: dict[str, str] | None = None
) -> dict[str, str]:
    """env_files maps each env_file entry of the service to the file that stands for it."""
    service, variables = services()[name], variables or {}
    environment = image_environment()
    entries = service.get("env_file") or []
    for entry in [entries] if isinstance(entries, str) else entries:
        path = entry if isinstance(entry, str) else entry["path"]
        environment.update(read_env_file(env_files[path]))
    declared = service.get("environment") or {}
    if isinstance(declared, list):
        declared = dict(item.split("=", 1) for item in declared)
    for key, value in declared.items():
        environment[key] = interpolate(str(value), variables)
    return environment


def _dockerfile_instructions() -> list[tuple[str, str]]:
    joined = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#") and " " in line
    ]


def image_environment() -> dict[str, str]:
    environment = {}
    for instruction, argument in _dockerfile_instructions():
        if instruction == "ENV":
            environment.update(pair.split("=", 1) for pair in argument.split())
    return environment


def image_command() -> list[str]:
    commands = [json.loads(arg) for ins, arg in _dockerfile_instructions() if ins == "CMD"]
    return commands[-1]
