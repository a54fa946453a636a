"""`laborbridge serve` and `laborbridge db ...`."""

import os
from typing import Annotated

import typer
import uvicorn

from api import migrate
from api.cli.common import err, load_settings, out

app = typer.Typer()
db_app = typer.Typer(help="Database schema (runs as the schema owner).", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    metrics_port: Annotated[
        int | None, typer.Option(help="Prometheus metrics on this port (LB_METRICS_PORT).")
    ] = None,
) -> None:
    """Serve the web pages and the JSON API."""
    if metrics_port is not None:
        os.environ["LB_METRICS_PORT"] = str(metrics_port)
    settings = load_settings()
    if settings.metrics_port and workers > 1:
        err.print(
            "[red]错误 / Error:[/red] 多进程时请用 gunicorn 提供指标 / with several worker"
            " processes, serve metrics through gunicorn (deploy/gunicorn.conf.py)"
        )
        raise typer.Exit(1)
    out.print(f"劳务协作平台 LaborBridge ({settings.env}): http://{host}:{port}", highlight=False)
    uvicorn.run(
        "api.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_config=None
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations (as the owner); creates the app role's grants and RLS policies."""
    settings = load_settings()
    migrate.upgrade(
        settings.migration_database_url, app_role=settings.db_app_role, revision=revision
    )
    out.print(f"数据库已升级 / database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    settings = load_settings()
    migrate.downgrade(
        settings.migration_database_url, app_role=settings.db_app_role, revision=revision
    )
    out.print(f"数据库已降级 / database downgraded to {revision}")
