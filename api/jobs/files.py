"""A job's uploaded file and its downloadable result, sealed on disk like imports wait.

Both hold full ID numbers, so they are encrypted with the personal-data key, bound to
the job's id and their role; they go with the job after a day (UploadStore's rule)."""

import time
import uuid
from pathlib import Path

from api.imports.storage import KEEP_SECONDS, StoredUploadMissing
from api.security.pii import PiiCipher, PiiError


class JobFiles:
    def __init__(self, data_dir: Path, cipher: PiiCipher) -> None:
        self.root = data_dir / "uploads" / "jobs"
        self.cipher = cipher

    def _path(self, job_id: uuid.UUID, role: str) -> Path:
        return self.root / f"{job_id}.{role}.bin"

    def save(self, job_id: uuid.UUID, role: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(job_id, role)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(self.cipher.encrypt_bytes(data, f"job:{role}:{job_id}"))
        tmp.replace(path)
        self.purge_expired()

    def load(self, job_id: uuid.UUID, role: str) -> bytes:
        path = self._path(job_id, role)
        try:
            return self.cipher.decrypt_bytes(path.read_bytes(), f"job:{role}:{job_id}")
        except (FileNotFoundError, PiiError) as exc:
            raise StoredUploadMissing(str(job_id)) from exc

    def delete(self, job_id: uuid.UUID, role: str) -> None:
        self._path(job_id, role).unlink(missing_ok=True)

    def purge_expired(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for path in self.root.glob("*.bin"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
