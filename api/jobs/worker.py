"""Worker threads: the app starts LB_WORKER_THREADS of them, `laborbridge worker` one.

Each loops: claim the oldest queued job, run it, and sleep LB_WORKER_POLL_SECONDS when
nothing waits. Work runs outside any request, so a job keeps going across page loads."""

import logging
import os
import socket
import threading
from typing import Any

from api import db_limits
from api.db import Database
from api.jobs import handlers  # noqa: F401  (registers the kinds of work)
from api.jobs.runner import Tools, run_next

log = logging.getLogger(__name__)


class Workers:
    def __init__(
        self,
        db: Database,
        tools: Tools,
        *,
        threads: int,
        poll_seconds: float,
        tracer_provider: Any = None,
    ) -> None:
        self.db, self.tools = db, tools
        self.tracer_provider = tracer_provider  # a span per job when tracing is on
        self.count, self.poll = threads, poll_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def name(self, index: int) -> str:
        return f"{socket.gethostname()}:{os.getpid()}:{index}"[:80]

    def step(self, index: int) -> bool:
        """Run one queued job; False when none waits (or the database failed)."""
        worker = self.name(index)
        try:
            # Jobs are batch work: a long import statement may take the batch limits.
            with db_limits.batch_limits():
                return run_next(self.db, self.tools, worker, self.tracer_provider)
        except Exception:  # a broken database must not end the thread for good
            log.exception("worker %s could not take work", worker)
            return False

    def loop(self, index: int) -> None:
        while not self.stopping.is_set():
            if not self.step(index):
                self.stopping.wait(self.poll)

    def start(self) -> None:
        for index in range(self.count):
            thread = threading.Thread(
                target=self.loop, args=(index,), name=f"lb-worker-{index}", daemon=True
            )
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 30) -> None:
        """Stop taking work; a job under way finishes first (up to `timeout`)."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout)
