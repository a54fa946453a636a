"""Calendar subscription keys: a signed tenant id that grants reading that tenant's feed
only. Here, not in the calendar router, because the pages show the link too."""

import uuid

from itsdangerous import BadSignature, Signer

from api.settings import Settings

SALT = "calendar-feed"


def _signer(settings: Settings) -> Signer:
    return Signer(settings.secret_key.get_secret_value(), salt=SALT)


def feed_key(settings: Settings, tenant_id: uuid.UUID) -> str:
    """The subscription key of a tenant's feed: reading it grants that calendar only."""
    return _signer(settings).get_signature(str(tenant_id)).decode()


def feed_key_matches(settings: Settings, tenant_id: uuid.UUID, key: str) -> bool:
    try:
        _signer(settings).unsign(f"{tenant_id}.{key}")
    except BadSignature:
        return False
    return True
