"""Every public repository function takes the access context, as a required parameter,
except those listed with a reason in repository_context_baseline.py. A new function
without it fails here; so does a listed one that has since been mended (take it off)."""

import ast
from pathlib import Path

from tests.unit import repository_context_baseline as baseline

ROOT = Path(__file__).resolve().parents[2]
LISTED = (
    baseline.DIRECTORY
    | baseline.SYSTEM_WIDE
    | baseline.QUERY_PIECES
    | baseline.TO_MEND_WRITES
    | baseline.TO_MEND_READS
)


def _repository_files() -> list[Path]:
    """repository.py, *_repository.py, and the modules of a *_repository package."""
    found = []
    for path in (ROOT / "api").rglob("*.py"):
        names = [*path.relative_to(ROOT / "api").parent.parts, path.stem]
        if any(n == "repository" or n.endswith("_repository") for n in names):
            found.append(path)
    return sorted(found)


def _public_functions() -> dict[str, ast.FunctionDef]:
    functions = {}
    for path in _repository_files():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                functions[f"{rel}:{node.name}"] = node
    return functions


def _context_parameter(function: ast.FunctionDef) -> str | None:
    """The annotation of the parameter that takes the AccessContext, if any."""
    arguments = function.args
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        annotation = ast.unparse(argument.annotation) if argument.annotation else ""
        if "AccessContext" in annotation:
            return annotation
    return None


def test_the_walk_finds_the_repositories():
    functions = _public_functions()
    assert len(_repository_files()) >= 37
    assert "api/supply/repository.py:add" in functions  # a module of a domain
    assert any(name.startswith("api/oversight/statistics_repository/") for name in functions)


def test_every_public_repository_function_takes_the_access_context():
    functions = _public_functions()
    without = {name for name, fn in functions.items() if _context_parameter(fn) is None}
    new = sorted(without - LISTED)
    assert not new, (
        "repository functions without the access context (take `access: AccessContext`,"
        f" or, for a deliberate system read, list it with its reason): {new}"
    )
    mended_or_gone = sorted(LISTED - without)
    assert not mended_or_gone, (
        f"listed in repository_context_baseline.py but taking the context or gone: {mended_or_gone}"
    )


def test_the_context_is_never_optional():
    optional = sorted(
        name
        for name, fn in _public_functions().items()
        if (annotation := _context_parameter(fn))
        and ("None" in annotation or "Optional" in annotation)
    )
    assert not optional, f"the access context must be required: {optional}"
