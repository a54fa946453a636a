"""Translations: zh_CN first, English complete.

Message ids are English. The catalogs are the .po files under web/translations; they are
compiled in memory at import, so there is no build step and no stale .mo file.
"""

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SUPPORTED_LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LOCALE_COOKIE = "lb_lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "web" / "translations"

_current_locale: ContextVar[str] = ContextVar("lb_locale", default=DEFAULT_LOCALE)


@cache
def translations_for(locale: str) -> NullTranslations:
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE)


def get_locale() -> str:
    return _current_locale.get()


def gettext(message: str, **params: object) -> str:
    text = translations_for(get_locale()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations_for(get_locale()).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def translate_in(locale: str, message: str, **params: object) -> str:
    text = translations_for(locale).gettext(message)
    return text.format(**params) if params else text


def negotiate_locale(cookie_value: str | None, accept_language: str | None) -> str:
    """A chosen language (cookie) wins; then the browser's preference; then Chinese."""
    if cookie_value in SUPPORTED_LOCALES:
        return cookie_value
    preferred: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        preferred.append((weight, tag.strip().lower()))
    for _weight, tag in sorted(preferred, key=lambda item: -item[0]):
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def _(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message
