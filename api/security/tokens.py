"""Random secrets for sessions and API tokens; only their SHA-256 is stored."""

import hashlib
import hmac
import secrets

ACCESS_TOKEN_PREFIX = "lba_"  # noqa: S105 - a prefix, not a secret
PERSONAL_TOKEN_PREFIX = "lbp_"  # noqa: S105 - a prefix, not a secret
SESSION_PREFIX = "lbs_"


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is a safe lookup key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
