"""Uploaded spreadsheets wait between preview and commit, sealed.

A ledger holds full ID numbers, so the file is sealed with the personal-data key
(AES-GCM, bound to the batch) before it is stored (api/blobs.py: LB_DATA_DIR/uploads, or
the S3 bucket, so a preview on one replica is committed on another), and removed once
committed, rejected or a day old.
"""

import uuid

from api.blobs import BlobMissing, Blobs
from api.security.pii import PiiCipher, PiiError

KEEP_SECONDS = 24 * 3600


class StoredUploadMissing(LookupError):
    pass


class UploadStore:
    def __init__(self, blobs: Blobs, cipher: PiiCipher) -> None:
        self.blobs = blobs
        self.cipher = cipher

    @staticmethod
    def _name(batch_id: uuid.UUID) -> str:
        return f"{uuid.UUID(str(batch_id))}.bin"

    def save(self, batch_id: uuid.UUID, data: bytes) -> None:
        sealed = self.cipher.encrypt_bytes(data, f"upload:{batch_id}")
        self.blobs.write(self._name(batch_id), sealed)
        self.purge_expired()

    def load(self, batch_id: uuid.UUID) -> bytes:
        try:
            sealed = self.blobs.read(self._name(batch_id))
            return self.cipher.decrypt_bytes(sealed, f"upload:{batch_id}")
        except (BlobMissing, PiiError) as exc:
            raise StoredUploadMissing(str(batch_id)) from exc

    def delete(self, batch_id: uuid.UUID) -> None:
        self.blobs.delete(self._name(batch_id))

    def purge_expired(self) -> int:
        return self.blobs.purge_older_than(KEEP_SECONDS)
