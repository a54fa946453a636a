"""Case attachments on disk: checked by content, stored sealed under a generated id.

A file is accepted only when its first bytes say JPEG, PNG, WebP or PDF, whatever its
name claims. The name a client sends is only ever shown: it is cleaned, and names
carrying a path, a NUL or other control characters are refused outright. The bytes
are encrypted with the personal-data key (AES-GCM, the attachment id as context) and
written to `<root>/<id>.bin`, so nothing the client chose reaches the filesystem.
"""

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from api.errors import FieldError, PayloadTooLarge, ValidationFailed
from api.i18n import _
from api.security.pii import PiiCipher, PiiError

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


class AttachmentStore:
    def __init__(self, root: Path, cipher: PiiCipher) -> None:
        self.root = root
        self.cipher = cipher

    def _path(self, attachment_id: uuid.UUID) -> Path:
        return self.root / f"{uuid.UUID(str(attachment_id))}.bin"

    def save(self, attachment_id: uuid.UUID, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        sealed = self.cipher.encrypt_bytes(data, f"attachment:{attachment_id}")
        path = self._path(attachment_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(sealed)
        tmp.replace(path)

    def load(self, attachment_id: uuid.UUID) -> bytes:
        try:
            blob = self._path(attachment_id).read_bytes()
            return self.cipher.decrypt_bytes(blob, f"attachment:{attachment_id}")
        except (FileNotFoundError, PiiError) as exc:
            raise StoredAttachmentMissing(str(attachment_id)) from exc

    def delete(self, attachment_id: uuid.UUID) -> None:
        self._path(attachment_id).unlink(missing_ok=True)
