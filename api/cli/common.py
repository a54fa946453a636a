"""Shared pieces of the `laborbridge` command: consoles, settings, bilingual errors and
the operator's database session."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from api import clock, tracing
from api.db import Database
from api.errors import AppError
from api.i18n import translate_in
from api.settings import Settings, SettingsError, read_settings

out = Console()
err = Console(stderr=True)


def progress_bar(console: Console | None = None, *, transient: bool = False) -> Progress:
    """A long command's bars: what runs, how far (done of total), and for how long."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


def load_settings() -> Settings:
    try:
        settings = read_settings()
    except SettingsError as exc:
        for line in str(exc).splitlines():
            err.print(
                f"[red]配置错误 / Settings error:[/red] {escape(line)}",
                highlight=False,
                soft_wrap=True,  # one line per problem, whatever the terminal's width
            )
        raise typer.Exit(1) from None
    clock.configure(settings.time_zone)
    return settings


def report(error: AppError) -> None:
    """Both languages: operators read either."""
    for locale, label in (("zh_CN", "错误"), ("en", "Error")):
        title = translate_in(locale, error.title)
        detail = translate_in(locale, error.detail, **error.params) if error.detail else ""
        err.print(f"[red]{label}:[/red] {title}" + (f" — {detail}" if detail else ""))
        for e in error.errors:
            err.print(f"  {e.field}: {translate_in(locale, e.message, **e.params)}")


@contextmanager
def operator_session() -> Iterator[tuple[Session, Settings]]:
    settings = load_settings()
    database = Database(settings, as_owner=True)
    try:
        with database.transaction() as session:
            yield session, settings
    except AppError as exc:
        report(exc)
        raise typer.Exit(1) from None
    finally:
        database.dispose()


def read_password(confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            err.print("[red]错误 / Error:[/red] 标准输入没有密码 / no password on standard input")
            raise typer.Exit(1)
        return line
    password: str = typer.prompt("密码 / Password", hide_input=True, confirmation_prompt=confirm)
    return password


# Long-running commands traced otherwise: `serve` by the app's own tracing (a request a
# span), `worker` a job a span. A root span open for days would end only at shutdown.
UNTRACED = frozenset({"laborbridge serve", "laborbridge worker"})


def trace_commands(app: typer.Typer, prefix: str = "laborbridge") -> None:
    """Each command a root span named after it (api/tracing.py), when tracing is on."""
    for info in app.registered_commands:
        fn = info.callback
        if fn is None or getattr(fn, "_lb_traced", False):
            continue
        name = f"{prefix} {info.name or fn.__name__.replace('_', '-')}"
        if name not in UNTRACED:
            info.callback = _traced(name, fn)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            trace_commands(group.typer_instance, f"{prefix} {group.name}")


def _traced(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)  # typer reads the options from the wrapped signature
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            settings = read_settings()
        except SettingsError:
            settings = None  # the command itself reports them
        with tracing.command_span(name, settings):
            return fn(*args, **kwargs)

    run._lb_traced = True  # type: ignore[attr-defined]  # a marker on the wrapper
    return run
