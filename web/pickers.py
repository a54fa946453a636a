"""A picker on a form: what has been chosen and what the search found.

The same state renders the picker inside the full form (no JavaScript: the 搜索 button
posts the form back with `_pick` and the page re-renders with the matches) and as the
htmx partial /pick/<kind> returns while the clerk types."""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.pickers import service
from api.pickers.service import Choice, Kind
from api.security.pii import PiiCipher

PICK = "_pick"  # the name of a picker's search button: re-render, do not save


@dataclass
class Picker:
    field: str
    kind: Kind
    multi: bool = False
    q: str = ""
    chosen: list[Choice] = dataclasses.field(default_factory=list)
    found: list[Choice] = dataclasses.field(default_factory=list)

    @property
    def query_name(self) -> str:
        return f"{self.field}__q"


def values_of(form: Any, name: str) -> list[str]:
    """Every submitted value of a field (a MultiDict's getlist, or a plain mapping)."""
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(name) if isinstance(v, str)]
    value = form.get(name) if isinstance(form, Mapping) else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def picker(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    kind: Kind,
    name: str,
    form: Any,
    *,
    multi: bool = False,
) -> Picker:
    """The picker `name` of a submitted (or pre-filled) form."""
    state = Picker(name, kind, multi)
    state.q = (values_of(form, state.query_name) or [""])[0].strip()
    state.chosen = service.chosen(session, access, kind, values_of(form, name))
    if not multi:
        state.chosen = state.chosen[:1]
    if state.q:
        taken = {c.id for c in state.chosen}
        found = service.search(session, access, cipher, kind, state.q)
        state.found = [c for c in found if c.id not in taken]
    return state


def is_picking(form: Any) -> bool:
    return bool(values_of(form, PICK))
