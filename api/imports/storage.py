"""Uploaded spreadsheets wait between preview and commit, encrypted on disk.

A ledger holds full ID numbers, so the file is sealed with the personal-data key
(AES-GCM) under LB_DATA_DIR/uploads and removed once committed, rejected or a day old.
"""

import time
import uuid
from pathlib import Path

from api.security.pii import PiiCipher, PiiError

KEEP_SECONDS = 24 * 3600


class StoredUploadMissing(LookupError):
    pass


class UploadStore:
    def __init__(self, data_dir: Path, cipher: PiiCipher) -> None:
        self.root = data_dir / "uploads" / "imports"
        self.cipher = cipher

    def _path(self, batch_id: uuid.UUID) -> Path:
        return self.root / f"{batch_id}.bin"

    def save(self, batch_id: uuid.UUID, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        sealed = self.cipher.encrypt_bytes(data, f"upload:{batch_id}")
        path = self._path(batch_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(sealed)
        tmp.replace(path)
        self.purge_expired()

    def load(self, batch_id: uuid.UUID) -> bytes:
        path = self._path(batch_id)
        try:
            return self.cipher.decrypt_bytes(path.read_bytes(), f"upload:{batch_id}")
        except (FileNotFoundError, PiiError) as exc:
            raise StoredUploadMissing(str(batch_id)) from exc

    def delete(self, batch_id: uuid.UUID) -> None:
        self._path(batch_id).unlink(missing_ok=True)

    def purge_expired(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for path in self.root.glob("*.bin"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
