"""What a bearer token resolved to, kept in-process for a few seconds.

Resolving a token from scratch takes seven statements before any data: the token, its
user, the user scope, the memberships, the tenant, its pairings and partners, then
the row-security settings. A hot API client repeats them on every request, for the
same answer. This cache keeps the answer, the AccessContext of (token, tenant), keyed
by the token's SHA-256 (never the secret), per worker process, for TTL_SECONDS.

It is not trusted blindly. Every request served from it still runs, in its own
transaction, the row-security settings and one checking statement
(repository.token_still_grants): the token unrevoked and unexpired, the user active,
the membership active with the same role and PII right, the tenant active. So
revoking a token, signing out, disabling an account, removing a membership or
changing its role takes effect on the next request, in every worker. What may lag by
up to TTL_SECONDS is the rest of the context: the tenant's pairings, partners and
supervisors (sharing between tenants), which change by an operator's hand.

A failed check drops the entry and falls back to the full resolution, which raises
the precise error (expired, revoked, no tenant) as before.
"""

import threading
import time
import uuid
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.auth import repository
from api.db import ACCESS_KEY, apply_access
from api.security import tokens
from shared_models.base import utcnow

TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000
# Touch a token's last-used time at most this often (as api/auth/service.py does).
LAST_SEEN_GRANULARITY = timedelta(seconds=60)

_Key = tuple[str, uuid.UUID | None]


class CallerCache:
    """(token digest, requested tenant) -> AccessContext, for TTL_SECONDS."""

    def __init__(self, ttl_seconds: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[_Key, tuple[float, AccessContext]] = {}
        self._lock = threading.Lock()

    def get(
        self, token_hash: str, tenant: uuid.UUID | None, request_id: str | None
    ) -> AccessContext | None:
        key = (token_hash, tenant)
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, access = entry
        if time.monotonic() - stored_at > self.ttl_seconds:
            self.drop(token_hash)
            return None
        return replace(access, request_id=request_id)

    def put(self, token_hash: str, tenant: uuid.UUID | None, access: AccessContext) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # a rare, cheap reset beats an eviction policy
            self._entries[(token_hash, tenant)] = (time.monotonic(), access)

    def drop(self, token_hash: str) -> None:
        """Forget every entry of a token (every tenant it was used for)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == token_hash]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cached_access(
    session: Session,
    cache: CallerCache,
    secret: str,
    tenant: uuid.UUID | None,
    request_id: str | None,
) -> AccessContext | None:
    """The cached context of this token and tenant, checked in this transaction; None
    when there is none or it no longer holds (the caller resolves from scratch)."""
    token_hash = tokens.digest(secret)
    access = cache.get(token_hash, tenant, request_id)
    if access is None:
        return None
    apply_access(session, access)  # row security first: the check reads the membership
    row = repository.token_still_grants(session, access, token_hash)
    if row is None:
        cache.drop(token_hash)
        # Start clean: the full resolution runs without the cached settings.
        session.info.pop(ACCESS_KEY, None)
        session.rollback()
        return None
    now = utcnow()
    last_used_at = row[0]
    if last_used_at is None or now - last_used_at > LAST_SEEN_GRANULARITY:
        repository.touch_token(session, access, token_hash, now)
    return access
