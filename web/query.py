"""Empty filter values mean "any": a page's GET form sends `status=` for a select left
at "—" and `age_min=` for an empty number, which typed query parameters would refuse
with a 422. Dropping them once here, before routing, serves every page's form."""

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send


def without_empty(query_string: bytes) -> bytes:
    # Byte-wise, so the kept pairs reach the app exactly as they were sent.
    pairs = query_string.split(b"&")
    kept = [p for p in pairs if unquote_to_bytes(p.partition(b"=")[2].replace(b"+", b" ")).strip()]
    return query_string if len(kept) == len(pairs) else b"&".join(kept)


class EmptyQueryMiddleware:
    """Pages only: the JSON API keeps its exact contract (an empty number is a 422)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not scope["path"].startswith("/api/")
            and scope.get("query_string")
        ):
            scope = dict(scope)
            scope["query_string"] = without_empty(scope["query_string"])
        await self.app(scope, receive, send)
