"""Request latency by route template: `/api/v1/laborers/{laborer_id}`, not each id."""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics.instruments import REQUEST_SECONDS
from api.middleware import route_template

UNMATCHED = "<unmatched>"


class RequestMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            REQUEST_SECONDS.labels(scope["method"], route_of(scope), str(status)).observe(
                time.perf_counter() - started
            )


def route_of(scope: Scope) -> str:
    return route_template(scope) or UNMATCHED
