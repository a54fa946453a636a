"""Progress of long work (imports, exports, evaluations): (stage, done, total) callbacks
that the command line turns into progress bars and the web ignores."""

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def quiet(_stage: str, _done: int, _total: int) -> None:
    return None
