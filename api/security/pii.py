"""Personal data at rest: AES-256-GCM ciphertext plus a keyed hash for exact lookup.

ID and phone numbers are stored encrypted; beside each sits HMAC-SHA256 of the
normalised value under a separate key, so a number can be found, and duplicates across
counties detected, without decrypting anything. The hash key is the same for every
tenant on purpose: that is what makes cross-county duplicate detection possible.
"""

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from api.settings import Settings

_VERSION = b"\x01"  # first byte of every ciphertext: which key scheme made it


class PiiError(ValueError):
    pass


def _key(configured: str, secret: str, label: bytes) -> bytes:
    if configured:
        key = base64.b64decode(configured)
        if len(key) != 32:
            raise PiiError("LB_DATA_KEY and LB_LOOKUP_KEY must be 32 bytes, base64-encoded")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())


class PiiCipher:
    def __init__(self, settings: Settings) -> None:
        secret = settings.secret_key.get_secret_value()
        self._aead = AESGCM(
            _key(settings.data_key.get_secret_value(), secret, b"laborbridge pii encryption")
        )
        lookup_key = _key(settings.lookup_key.get_secret_value(), secret, b"laborbridge pii lookup")
        # Keyed once; each lookup copies the keyed state (much cheaper than hmac.new).
        self._lookup = hmac.new(lookup_key, digestmod=hashlib.sha256)

    def encrypt(self, value: str, field: str) -> bytes:
        return self.encrypt_bytes(value.encode(), field)

    def decrypt(self, blob: bytes, field: str) -> str:
        return self.decrypt_bytes(bytes(blob), field).decode()

    def encrypt_bytes(self, data: bytes, context: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, context.encode())

    def decrypt_bytes(self, blob: bytes, context: str) -> bytes:
        if not blob or blob[:1] != _VERSION:
            raise PiiError("unknown ciphertext version")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], context.encode())
        except InvalidTag:
            raise PiiError("ciphertext does not authenticate") from None

    def lookup_hash(self, value: str, field: str) -> str:
        mac = self._lookup.copy()
        mac.update(f"{field}:{value}".encode())
        return mac.hexdigest()
