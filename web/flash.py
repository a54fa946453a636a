"""One-time messages: an action says what it did; the next full page shows it once.

The message lives in the server-side web session (web_sessions.flash), so it survives
the redirect after a POST and is gone after it has been shown. It is stored already
translated, in the language of the request that did the work."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from web.deps import WebPage


def flash(page: "WebPage", message: str) -> None:
    """Remember what was done for the next page (the last message of a request wins)."""
    if page.principal is not None and page.principal.web_session is not None:
        page.principal.web_session.flash = message[:500]


def take(page: "WebPage | None") -> str | None:
    """The waiting message, cleared: it is committed with the request that shows it."""
    if page is None or page.principal is None or page.principal.web_session is None:
        return None
    ws = page.principal.web_session
    message = ws.flash
    if message is not None:
        ws.flash = None
    return message
