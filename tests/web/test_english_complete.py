"""English complete, Chinese first: every option, status, word of the vocabulary and
audit action has a label, and no page shows a code or an untranslated message id.

The Chinese of each label is test_i18n's business (every msgid has its msgstr); here
the pages are rendered in both languages, for each kind of organization, and their
visible text is searched for snake_case codes and, in Chinese, for message ids the
catalog translates but the page left in English.
"""

import re
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from api.labels import LABELS
from tests.web.helpers import sign_in
from tests.web.test_page_downloads import DOWNLOAD_PATH, SKIP, UUID, links_of
from web.audit_words import ACTIONS

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # employment_status, out_of_province
ROLES = ["wushan.admin", "yantai.admin", "wushan.yantai.staff"]


class _Visible(HTMLParser):
    """Text a person sees: text nodes outside script and style, and the words of
    placeholders, titles and labels for assistive technology."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.texts


def _translated_msgids() -> set[str]:
    with (ROOT / "web/translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    # Long enough to be a phrase, not a word that may also be data (a name, "API").
    return {
        m.id
        for m in catalog
        if isinstance(m.id, str)
        and m.string
        and m.string != m.id
        and " " in m.id
        and "{" not in m.id
    }


def test_every_labelled_vocabulary_is_complete():
    for enum_class in {cls for cls, _member in LABELS}:
        missing = [m.value for m in enum_class if (enum_class, m) not in LABELS]
        assert not missing, f"{enum_class.__name__} lacks labels for {missing}"


def test_every_vocabulary_of_the_models_is_labelled():
    """A new enumeration in shared_models shows its codes raw until it is labelled."""
    from shared_models import enums

    classes = {
        value
        for value in vars(enums).values()
        if isinstance(value, type)
        and issubclass(value, StrEnum)
        and value is not StrEnum
        and value.__module__ == enums.__name__
    }
    labelled = {cls for cls, _member in LABELS}
    missing = sorted(cls.__name__ for cls in classes - labelled)
    assert len(classes) > 40
    assert not missing, f"label these vocabularies in api/labels.py: {missing}"


def test_every_audit_action_has_a_label():
    source = "\n".join(p.read_text() for p in (ROOT / "api").rglob("*.py"))
    recorded = set(re.findall(r'action="([a-z_.]+)"', source))
    # warning.{action}: the visit queue's steps, named where the helper is called
    steps = re.findall(r'_audit\(\s*session,\s*access,\s*flag,\s*"(\w+)"', source)
    recorded |= {f"warning.{step}" for step in steps}
    assert len(recorded) > 40
    missing = sorted(recorded - set(ACTIONS))
    assert not missing, f"label these audit actions in web/audit_words.py: {missing}"


def _pages(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The pages the role's navigation reaches, and one of each page they link."""
    found: dict[str, str] = {}
    frontier = [href for href, _d, in_nav in links_of(client.get("/").text) if in_nav] + ["/"]
    for _depth in range(2):
        following: list[str] = []
        for href in frontier:
            path = urlsplit(href).path
            if not href.startswith("/") or href.startswith(SKIP) or DOWNLOAD_PATH.search(path):
                continue
            key = UUID.sub("{id}", path)
            if key in found or "/attachments/" in key:
                continue
            response = client.get(href)
            if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
                continue
            found[key] = href
            following += [link for link, _d, _n in links_of(response.text)]
        frontier = following
    return found


@pytest.mark.parametrize("username", ROLES)
def test_no_page_shows_a_code_or_an_untranslated_message(world, username):
    client = world.client()
    assert sign_in(client, username).status_code == 303
    pages = _pages(client)
    assert len(pages) > 8, pages
    msgids = _translated_msgids()
    problems: list[str] = []
    for language in ("zh_CN", "en"):
        client.get(f"/lang/{language}")
        for key, href in sorted(pages.items()):
            texts = visible_text(client.get(href).text)
            for text in texts:
                for code in CODE.findall(text):
                    problems.append(f"{language} {key}: code {code!r} in {text[:80]!r}")
                if language == "zh_CN" and text in msgids:
                    problems.append(f"zh {key}: untranslated {text!r}")
    assert not problems, "\n".join(problems[:40])
