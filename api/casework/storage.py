"""Case attachments: checked by content, stored sealed under a generated id.

A file is accepted only when its first bytes say JPEG, PNG, WebP or PDF, whatever its
name claims. The name a client sends is only ever shown: it is cleaned, and names
carrying a path, a NUL or other control characters are refused outright. The bytes
are encrypted with the personal-data key (AES-GCM, the attachment id as context) and
written to `<root>/<id>.bin`, or to `<prefix><id>.bin` in an S3 bucket when one is
configured, so nothing the client chose reaches a path or key and no plaintext leaves.
"""

import hashlib
import logging
import unicodedata
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from api.blobs import outage as _outage
from api.blobs import s3_client
from api.errors import FieldError, PayloadTooLarge, ValidationFailed
from api.i18n import _
from api.security.pii import PiiCipher, PiiError
from api.settings import Settings

log = logging.getLogger(__name__)

MAX_NAME = 120
ALLOWED = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


class StoredAttachmentMissing(LookupError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    display_name: str
    content_type: str
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes themselves declare, among those accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_name(raw: str | None, content_type: str) -> str:
    """The name to show: no path, no control characters, at most 120 characters.

    Raises ValidationFailed for a name that tries to be a path (`../x`, `/etc/x`,
    `C:\\x`) or carries control characters: such a name is an attack, not a typo."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if (
        any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name)
        or "/" in name
        or "\\" in name
        or name in {".", ".."}
        or (len(name) >= 2 and name[1] == ":")
    ):
        raise ValidationFailed(
            errors=[
                FieldError(
                    "file",
                    _("The file name may not contain a path or control characters."),
                    "bad_file_name",
                )
            ]
        )
    name = name.lstrip(".").strip()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    extension = ALLOWED[content_type]
    stem = stem[: MAX_NAME - len(extension)] or "attachment"
    return stem + extension


def check(data: bytes, raw_name: str | None, limit: int) -> CheckedFile:
    if len(data) > limit:
        raise PayloadTooLarge(
            _("A file may be at most {mb} MB."), params={"mb": round(limit / 1_048_576, 1)}
        )
    if not data:
        raise ValidationFailed(errors=[FieldError("file", _("The file is empty."), "empty")])
    content_type = sniff(data)
    if content_type is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "file",
                    _("Only JPEG, PNG, WebP images and PDF documents are accepted."),
                    "file_type",
                )
            ]
        )
    return CheckedFile(
        data=data,
        display_name=clean_name(raw_name, content_type),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
    )


class AttachmentStore(ABC):
    """Attachment bytes under their id, sealed here before any backend sees them, so the
    disk or the bucket only ever holds ciphertext bound to that id."""

    def __init__(self, cipher: PiiCipher) -> None:
        self.cipher = cipher

    def save(self, attachment_id: uuid.UUID, data: bytes) -> None:
        self._write(attachment_id, self.cipher.encrypt_bytes(data, f"attachment:{attachment_id}"))

    def load(self, attachment_id: uuid.UUID) -> bytes:
        """Raises StoredAttachmentMissing when the file is gone or does not decrypt."""
        blob = self._read(attachment_id)
        try:
            return self.cipher.decrypt_bytes(blob, f"attachment:{attachment_id}")
        except PiiError as exc:
            raise StoredAttachmentMissing(str(attachment_id)) from exc

    @abstractmethod
    def delete(self, attachment_id: uuid.UUID) -> None:
        """Idempotent: deleting what is not there is no error."""

    @abstractmethod
    def _write(self, attachment_id: uuid.UUID, sealed: bytes) -> None: ...

    @abstractmethod
    def _read(self, attachment_id: uuid.UUID) -> bytes:
        """The sealed bytes; StoredAttachmentMissing when there are none."""


def _file_name(attachment_id: uuid.UUID) -> str:
    # Re-parsed so that only a well-formed id ever becomes part of a path or key.
    return f"{uuid.UUID(str(attachment_id))}.bin"


class DiskAttachmentStore(AttachmentStore):
    """`<root>/<id>.bin`, the default."""

    def __init__(self, root: Path, cipher: PiiCipher) -> None:
        super().__init__(cipher)
        self.root = root

    def _path(self, attachment_id: uuid.UUID) -> Path:
        return self.root / _file_name(attachment_id)

    def _write(self, attachment_id: uuid.UUID, sealed: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(attachment_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(sealed)
        tmp.replace(path)  # readers never see half a file

    def _read(self, attachment_id: uuid.UUID) -> bytes:
        try:
            return self._path(attachment_id).read_bytes()
        except FileNotFoundError as exc:
            raise StoredAttachmentMissing(str(attachment_id)) from exc

    def delete(self, attachment_id: uuid.UUID) -> None:
        self._path(attachment_id).unlink(missing_ok=True)


class S3AttachmentStore(AttachmentStore):
    """`<prefix><id>.bin` in an S3-compatible bucket (S3, MinIO, ...). A bucket that
    fails or does not answer is a 503 (StorageUnavailable), never a 500 or a hang."""

    def __init__(
        self, client: Any, bucket: str, prefix: str, cipher: PiiCipher, probe_client: Any = None
    ) -> None:
        super().__init__(cipher)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.probe_client = probe_client or client

    def _key(self, attachment_id: uuid.UUID) -> str:
        return self.prefix + _file_name(attachment_id)

    def _write(self, attachment_id: uuid.UUID, sealed: bytes) -> None:
        with _outage():
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(attachment_id),
                Body=sealed,
                ContentType="application/octet-stream",
            )

    def _read(self, attachment_id: uuid.UUID) -> bytes:
        with _outage():
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=self._key(attachment_id))
            except ClientError as exc:
                # Only a missing object is "missing"; denied access or an outage stays
                # an error.
                if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                    raise StoredAttachmentMissing(str(attachment_id)) from exc
                raise
            body: bytes = response["Body"].read()  # boto3 is untyped
            return body

    def delete(self, attachment_id: uuid.UUID) -> None:
        # S3 answers a delete of a missing key with success, so this is idempotent as is.
        with _outage():
            self.client.delete_object(Bucket=self.bucket, Key=self._key(attachment_id))

    def probe(self) -> None:
        """/readyz: the store answers within the probe timeout; raises if not. It asks
        for an object that is never there: "no such key" (or "denied", without
        s3:ListBucket) is an answer, and needs no more rights than the app has."""
        try:
            self.probe_client.get_object(Bucket=self.bucket, Key=self.prefix + "readyz-probe")
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500
            if status >= 500:
                raise


def attachment_store(settings: Settings, cipher: PiiCipher) -> AttachmentStore:
    """The bucket when LB_S3_BUCKET is set, otherwise the attachments directory."""
    if not settings.s3_bucket:
        return DiskAttachmentStore(settings.attachment_root, cipher)
    probe = settings.probe_timeout_seconds
    return S3AttachmentStore(
        s3_client(settings),
        settings.s3_bucket,
        settings.s3_key_prefix,
        cipher,
        probe_client=s3_client(settings, connect=probe, read=probe, attempts=1),
    )
