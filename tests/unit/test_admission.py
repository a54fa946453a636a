"""Requests over the pool's capacity wait on the event loop (api/admission.py), and one
kept waiting as long as the pool would keep it gets the pool's 503."""

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from api.admission import Admission, request_limit


class SlowApp:
    """Answers 200 after `seconds`, counting how many requests are inside at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.inside = 0
        self.most = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _client(app: Admission) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def test_no_more_requests_inside_than_the_limit_and_none_refused():
    inner = SlowApp(0.05)

    async def run() -> list[int]:
        async with _client(Admission(inner, limit=2, wait_seconds=5)) as client:
            answers = await asyncio.gather(*(client.get("/api/v1/laborers") for _ in range(8)))
        return [a.status_code for a in answers]

    assert asyncio.run(run()) == [200] * 8
    assert inner.most == 2


def test_a_request_kept_waiting_past_the_pool_timeout_gets_503_with_retry_after():
    async def run() -> list[httpx.Response]:
        async with _client(Admission(SlowApp(0.5), limit=1, wait_seconds=0.05)) as client:
            return await asyncio.gather(client.get("/laborers"), client.get("/laborers"))

    first, second = sorted(asyncio.run(run()), key=lambda r: r.status_code)
    assert first.status_code == 200
    assert second.status_code == 503
    assert second.headers["retry-after"] == "5"
    assert second.headers["content-type"].startswith("application/problem+json")
    assert second.json()["status"] == 503


def test_static_files_are_never_held_back():
    inner = SlowApp(0.2)

    async def run() -> list[int]:
        async with _client(Admission(inner, limit=1, wait_seconds=0.05)) as client:
            answers = await asyncio.gather(
                client.get("/laborers"), client.get("/static/app.css"), client.get("/healthz")
            )
        return [a.status_code for a in answers]

    assert asyncio.run(run()) == [200, 200, 200]
    assert inner.most == 3


def test_the_limit_leaves_the_job_threads_their_connections():
    assert request_limit(pool_size=5, worker_threads=1) == 9
    assert request_limit(pool_size=10, worker_threads=0) == 20
