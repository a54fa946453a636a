"""`laborbridge worker`: a process that runs background jobs (imports, handbooks)."""

import signal
from typing import Annotated

import typer

from api import tracing
from api.blobs import IMPORTS, JOBS, blobs
from api.cli.common import load_settings, out
from api.db import Database
from api.events import wiring as events
from api.imports.storage import UploadStore
from api.jobs.files import JobFiles
from api.jobs.runner import Tools
from api.jobs.worker import Workers
from api.metrics import exporter
from api.metrics import pool as pool_metrics
from api.security.pii import PiiCipher
from web import handbook_job  # noqa: F401  (registers the handbook, a page template)

app = typer.Typer()


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Jobs run at once.", min=1, max=8)] = 1,
    once: Annotated[bool, typer.Option(help="Run what is queued now, then stop.")] = False,
) -> None:
    """Take queued jobs and run them until stopped (Ctrl-C or SIGTERM finishes the job
    under way first). Connects as the app (LB_DATABASE_URL), like the web service."""
    settings = load_settings()
    events.wire()  # after-commit subscribers run here
    database = Database(settings)
    cipher = PiiCipher(settings)
    tools = Tools(
        JobFiles(blobs(settings, JOBS), cipher),
        cipher,
        UploadStore(blobs(settings, IMPORTS), cipher),
    )
    # A span per job, named by its kind, when tracing is on (api/tracing.py).
    provider = tracing.process_provider(settings)
    if provider is not None:
        tracing.trace_engine(database.engine, provider)
    workers = Workers(
        database,
        tools,
        threads=threads,
        poll_seconds=settings.worker_poll_seconds,
        tracer_provider=provider,
    )
    listener: exporter.Listener | None = None
    try:
        if once:
            ran = 0
            while workers.step(0):
                ran += 1
            out.print(f"已完成任务 / jobs run: {ran}")
            return
        out.print(f"后台任务进程 / worker: {threads} thread(s)", highlight=False)
        if settings.metrics_port:  # job durations and pool use (docs/operations.md)
            pool_metrics.watch(database.engine)
            listener = exporter.serve(settings)
        signal.signal(signal.SIGTERM, lambda *_: workers.stopping.set())
        workers.start()
        try:
            while any(t.is_alive() for t in workers.threads):
                workers.stopping.wait(1)
        except KeyboardInterrupt:
            pass
        workers.stop()
    finally:
        if listener is not None:
            listener.stop()
        if provider is not None:
            provider.shutdown()  # exports what the batch still holds
        database.dispose()
