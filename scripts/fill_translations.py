"""Fill empty msgstr entries of the zh_CN catalog from a JSON file of {msgid: msgstr}.

    .venv/bin/python scripts/fill_translations.py new-messages.json

For translators working in bulk; `make messages` first adds the new msgids.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "web/translations/zh_CN/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    additions = json.loads(Path(path).read_text(encoding="utf-8"))
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    filled = 0
    for message in catalog:
        if message.id and not message.string and message.id in additions:
            message.string = additions[message.id]
            filled += 1
    with CATALOG.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"filled {filled}; still missing {len(missing)}")
    for msgid in missing:
        print("  ", msgid)


if __name__ == "__main__":
    main(sys.argv[1])
