"""The CSP (script-src 'self', style-src 'self') refuses inline script and style: a page
that carries any simply breaks in the browser (the print buttons did). Scripts and styles
live in web/static; this keeps them from coming back into the templates."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
INLINE = {
    "a <script> without src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S),
    "an event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S),
    "an hx-on handler": re.compile(r"\shx-on", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_scan_finds_templates_and_catches_each_kind():
    assert len(_templates()) > 40
    samples = [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p class="x" style="color:red">',
        '<button type="button"\n onclick="print()">',
        '<div hx-on:click="x()">',
        '<a href="javascript:history.back()">',
    ]
    for sample, (what, pattern) in zip(samples, INLINE.items(), strict=True):
        assert pattern.search(sample), what
    allowed = '<script src="/static/actions.js" defer></script><button data-print>'
    assert not any(p.search(allowed) for p in INLINE.values())


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_inline_script_or_style(template: Path):
    text = template.read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert found == [], f"{template.relative_to(TEMPLATES)}: {', '.join(found)}"
