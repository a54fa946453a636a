"""`@scheduled("subsidies evaluate")`: a nightly command records when it last succeeded
(table scheduled_runs), which the metrics port reports so a missed run can be alerted on."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
import typer

from api.cli.common import err, load_settings
from api.scheduled import service

F = TypeVar("F", bound=Callable[..., Any])
EXITS = (click.exceptions.Exit, typer.Exit)


def scheduled(command: str) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        @wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                result = fn(*args, **kwargs)
            except EXITS as exc:
                if exc.exit_code == 0:
                    _succeeded(command, started)
                else:
                    _failed(command)
                raise
            except BaseException:
                _failed(command)
                raise
            _succeeded(command, started)
            return result

        return run  # type: ignore[return-value]  # wraps keeps fn's signature; mypy sees (*args, **kwargs)

    return wrap


def _succeeded(command: str, started: float) -> None:
    service.record(load_settings(), command, ok=True, seconds=round(time.monotonic() - started, 3))


def _failed(command: str) -> None:
    # The command's own error is the one to show; a database down as well must not
    # replace it.
    try:
        service.record(load_settings(), command, ok=False)
    except Exception as exc:
        err.print(f"未能记录失败 / could not record the failure of {command}: {exc}")
