"""Chinese first, English complete: every message in code and templates is translated."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.i18n import negotiate_locale, translate_in

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def _extracted() -> set[str]:
    found: set[str] = set()
    method_map = [
        ("api/**.py", "python"),
        ("web/**.py", "python"),
        ("web/templates/**.html", "jinja2"),
    ]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_chinese_translation():
    with (ROOT / "web/translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id}
    messages = _extracted()
    assert len(messages) > 100
    missing = sorted(m for m in messages if not translated.get(m))
    assert not missing, f"add these to the zh_CN catalog (make messages): {missing}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, fuzzy


def test_placeholders_survive_translation():
    with (ROOT / "web/translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id:
            continue
        for placeholder in ("{name}", "{year}", "{limit}", "{username}", "{ref}", "{minutes}"):
            if placeholder in message.id:
                assert placeholder in message.string, message.id


def test_language_negotiation():
    assert negotiate_locale(None, None) == "zh_CN"
    assert negotiate_locale(None, "en-GB,en;q=0.8") == "en"
    assert negotiate_locale(None, "zh-TW,zh;q=0.9,en;q=0.8") == "zh_CN"
    assert negotiate_locale("en", "zh-CN") == "en"  # a chosen language wins
    assert negotiate_locale("xx", "de-DE") == "zh_CN"
    assert negotiate_locale(None, "en;q=abc, de") == "zh_CN"


def test_translate_in_formats_parameters():
    assert translate_in("zh_CN", "Agreement since {year}", year=2021) == "2021 年起协作"
    assert translate_in("en", "Agreement since {year}", year=2021) == "Agreement since 2021"
