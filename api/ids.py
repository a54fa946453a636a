"""Random UUIDs (version 4) in bulk: one system call for many ids.

`uuid.uuid4()` reads the OS random source once per id; an import of 100,000 laborers
needs half a million ids. Each thread keeps a list of ready ids made from one read, and
pops them: slicing a shrinking byte buffer instead copied the rest of it on every call,
which made this slower than `uuid4()` (bench/bench_ids.py).
"""

import os
import threading
import uuid

_BATCH = 4096
_local = threading.local()


def new_id() -> uuid.UUID:
    ready: list[uuid.UUID] | None = getattr(_local, "ready", None)
    if not ready:
        raw = os.urandom(16 * _BATCH)
        ready = [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, len(raw), 16)]
        _local.ready = ready
    return ready.pop()
