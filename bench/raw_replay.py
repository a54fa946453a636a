"""The raw endpoint of bench_throughput: Starlette + psycopg, no ORM, no validation.

Served by gunicorn with uvicorn workers like the app. LB_RAW_PLAN names a pickle of
{path: [(sql, params), ...]}: the statements the app sent for that request (its auth
queries included), captured by bench_throughput. Each request replays them in one
transaction on a connection of a small per-worker pool and answers the rows as JSON.
"""

import asyncio
import json
import os
import pickle

import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Pickled, not JSON, so that parameters keep their types (UUIDs, dates, lists).
with open(os.environ["LB_RAW_PLAN"], "rb") as plan_file:
    _PLAN: dict[str, list[tuple[str, object]]] = pickle.load(plan_file)  # noqa: S301
_URL = os.environ["LB_RAW_DATABASE_URL"]
_POOL_SIZE = int(os.environ.get("LB_RAW_POOL_SIZE", "5"))
_pool: asyncio.Queue[psycopg.AsyncConnection] | None = None
_opening = asyncio.Lock()


async def _connections() -> asyncio.Queue[psycopg.AsyncConnection]:
    global _pool
    async with _opening:
        if _pool is None:
            queue: asyncio.Queue[psycopg.AsyncConnection] = asyncio.Queue()
            for _ in range(_POOL_SIZE):
                queue.put_nowait(await psycopg.AsyncConnection.connect(_URL))
            _pool = queue
    return _pool


async def replay(request: Request) -> Response:
    statements = _PLAN.get(request.url.path)
    if statements is None:
        return Response(status_code=404)
    pool = await _connections()
    conn = await pool.get()
    try:
        rows: list = []
        async with conn.transaction(), conn.cursor() as cur:
            for sql, params in statements:
                await cur.execute(sql, params, prepare=False)
                if cur.description is not None:
                    rows = await cur.fetchall()
    finally:
        pool.put_nowait(conn)
    body = json.dumps({"items": rows}, default=str, ensure_ascii=False)
    return Response(body, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", replay)])
