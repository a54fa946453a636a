"""Random UUIDs (version 4) in bulk: one system call for many ids.

`uuid.uuid4()` reads the OS random source once per id; an import of 100,000 laborers
needs half a million ids, and that alone took seconds.
"""

import os
import threading
import uuid

_BATCH = 4096
_local = threading.local()


def new_id() -> uuid.UUID:
    pool = getattr(_local, "pool", b"")
    if not pool:
        pool = os.urandom(16 * _BATCH)
    raw, _local.pool = pool[:16], pool[16:]
    return uuid.UUID(bytes=raw, version=4)
