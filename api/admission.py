"""At most as many requests inside the app at once as its database pool can serve.

A sync route runs in the thread pool (40 threads a worker) and takes its connection
there; its transaction ends in the thread pool too. With more requests in flight than
connections, every thread could be waiting for a connection while the requests holding
one waited for a thread to commit and give it back: the worker answered nothing until
the pool timeout (LB_DB_POOL_TIMEOUT_SECONDS), then 503s. bench_throughput saw minute-long
stalls at 64 connections. Requests over the limit now wait here, on the event loop,
holding neither a thread nor a connection, and the pool never starves its own holders.
"""

import asyncio
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send

from api.middleware import send_problem
from api.problem_handlers import database_unavailable

# Served from files, no database: never held back.
UNLIMITED_PREFIXES = ("/static/", "/healthz", "/metrics")


class Admission:
    def __init__(self, app: ASGIApp, *, limit: int, wait_seconds: float) -> None:
        self.app = app
        self.limit = max(1, limit)
        self.wait_seconds = wait_seconds
        # One semaphore per event loop: the tests' clients each run a loop of their own.
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._gates = weakref.WeakKeyDictionary()

    def _gate(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self.limit)
        return gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        gate = self._gate()
        try:
            await asyncio.wait_for(gate.acquire(), self.wait_seconds)
        except TimeoutError:
            # As if the pool had timed out: the same 503 with Retry-After.
            await send_problem(send, database_unavailable())
            return
        try:
            await self.app(scope, receive, send)
        finally:
            gate.release()


def request_limit(pool_size: int, worker_threads: int) -> int:
    """The pool's connections (its size and as many again in overflow, api/db.py) less
    those the background-job threads of the same process may hold."""
    return 2 * pool_size - worker_threads
