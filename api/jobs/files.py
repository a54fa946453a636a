"""A job's uploaded file and its downloadable result, sealed like imports wait.

Both hold full ID numbers, so they are encrypted with the personal-data key, bound to
the job's id and their role, and stored where every replica and the worker reach them
(api/blobs.py); they go with the job after a day (UploadStore's rule)."""

import uuid

from api.blobs import BlobMissing, Blobs
from api.imports.storage import KEEP_SECONDS, StoredUploadMissing
from api.security.pii import PiiCipher, PiiError


class JobFiles:
    def __init__(self, blobs: Blobs, cipher: PiiCipher) -> None:
        self.blobs = blobs
        self.cipher = cipher

    @staticmethod
    def _name(job_id: uuid.UUID, role: str) -> str:
        return f"{uuid.UUID(str(job_id))}.{role}.bin"

    def save(self, job_id: uuid.UUID, role: str, data: bytes) -> None:
        sealed = self.cipher.encrypt_bytes(data, f"job:{role}:{job_id}")
        self.blobs.write(self._name(job_id, role), sealed)
        self.purge_expired()

    def load(self, job_id: uuid.UUID, role: str) -> bytes:
        try:
            sealed = self.blobs.read(self._name(job_id, role))
            return self.cipher.decrypt_bytes(sealed, f"job:{role}:{job_id}")
        except (BlobMissing, PiiError) as exc:
            raise StoredUploadMissing(str(job_id)) from exc

    def delete(self, job_id: uuid.UUID, role: str) -> None:
        self.blobs.delete(self._name(job_id, role))

    def purge_expired(self) -> int:
        return self.blobs.purge_older_than(KEEP_SECONDS)
