"""Random UUIDs (version 4) in bulk: one system call for many ids.

`uuid.uuid4()` reads the OS random source once per id; an import of 100,000 laborers
needs half a million ids. Each thread keeps a list of ready ids made from one read, and
pops them: slicing a shrinking byte buffer instead copied the rest of it on every call,
which made this slower than `uuid4()` (bench/bench_ids.py). The ids are made without
`UUID.__init__`, whose checks of its five ways in took two thirds of the time.
"""

import os
import threading
import uuid

_BATCH = 4096
_local = threading.local()
# RFC 4122 version 4: the version nibble and the variant bits, set over random bits.
_KEEP = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)


def _made(value: int) -> uuid.UUID:
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", value)
    object.__setattr__(made, "is_safe", uuid.SafeUUID.unknown)
    return made


def new_id() -> uuid.UUID:
    ready: list[uuid.UUID] | None = getattr(_local, "ready", None)
    if not ready:
        raw = os.urandom(16 * _BATCH)
        whole = int.from_bytes
        ready = [
            _made((whole(raw[i : i + 16], "big") & _KEEP) | _SET) for i in range(0, len(raw), 16)
        ]
        _local.ready = ready
    return ready.pop()
