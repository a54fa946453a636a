"""Audit anchors: each tenant's chain head, signed with a key the database does not hold
and written where a rewound database cannot reach (the S3 bucket, else a directory).

Someone who can write to the database can cut the tail of `audit_log` and move
`audit_heads` back to match; the chain then verifies. An anchor remembers how far the
chain reached and the hash there, so `audit verify` sees the cut. Anchors are appended,
one object per run per tenant (`<tenant>/<time>.json`), never overwritten.

Ed25519, so that a verifier can be given only the public key.
"""

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.audit import repository
from api.audit.chain import GENESIS_HASH
from api.blobs import AUDIT_ANCHORS, Blobs, DiskBlobs, blobs
from api.settings import Settings


@dataclass(frozen=True)
class Anchor:
    tenant_id: uuid.UUID
    seq: int
    hash: str
    at: str  # UTC, ISO 8601

    def payload(self) -> bytes:
        """The signed bytes: canonical JSON of the record without its signature."""
        document = {"tenant": str(self.tenant_id), "seq": self.seq, "hash": self.hash}
        return orjson.dumps({**document, "at": self.at}, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True)
class Latest:
    """The newest anchor of a tenant: `anchor` when its signature holds, else `problem`."""

    name: str | None = None
    anchor: Anchor | None = None
    problem: str | None = None


def store(settings: Settings) -> Blobs:
    if settings.s3_bucket:
        return blobs(settings, AUDIT_ANCHORS)
    return DiskBlobs(settings.audit_anchor_root)


def signing_key(settings: Settings) -> Ed25519PrivateKey | None:
    seed = settings.audit_anchor_key.get_secret_value()
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed)) if seed else None


def verifying_key(settings: Settings) -> Ed25519PublicKey | None:
    """The public key when one is set (a verifier without the private key), else the
    private key's own."""
    if settings.audit_anchor_public_key:
        raw = base64.b64decode(settings.audit_anchor_public_key)
        return Ed25519PublicKey.from_public_bytes(raw)
    key = signing_key(settings)
    return key.public_key() if key else None


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def chain_head(session: Session, access: AccessContext, tenant_id: uuid.UUID) -> Anchor:
    """The head as `audit_heads` records it (call after the chain verified)."""
    head = repository.head(session, access, tenant_id)
    seq, digest = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    return Anchor(tenant_id, seq, digest, datetime.now(UTC).isoformat(timespec="microseconds"))


def write(target: Blobs, key: Ed25519PrivateKey, anchor: Anchor) -> str:
    record = {
        **orjson.loads(anchor.payload()),
        "signature": base64.b64encode(key.sign(anchor.payload())).decode(),
    }
    moment = datetime.fromisoformat(anchor.at)
    name = f"{anchor.tenant_id}/{moment:%Y%m%dT%H%M%S.%fZ}.json"  # sorts by time
    target.write(name, orjson.dumps(record, option=orjson.OPT_SORT_KEYS))
    return name


def latest(source: Blobs, key: Ed25519PublicKey, tenant_id: uuid.UUID) -> Latest:
    names = [n for n in source.names(f"{tenant_id}/") if n.endswith(".json")]
    if not names:
        return Latest()
    name = names[-1]
    try:
        record = orjson.loads(source.read(name))
        anchor = Anchor(
            uuid.UUID(record["tenant"]), int(record["seq"]), str(record["hash"]), record["at"]
        )
        key.verify(base64.b64decode(record["signature"], validate=True), anchor.payload())
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, binascii.Error):
        return Latest(name, problem="unreadable")
    except InvalidSignature:
        return Latest(name, problem="signature")
    if anchor.tenant_id != tenant_id:
        return Latest(name, problem="signature")  # a valid anchor of another tenant, moved
    return Latest(name, anchor)


@dataclass(frozen=True)
class Mismatch:
    """The chain does not contain the anchored entry: it ends at `chain_end` (shorter),
    or its entry at the anchored position has another hash."""

    shorter: bool
    chain_end: int


def compare(session: Session, access: AccessContext, anchor: Anchor) -> Mismatch | None:
    if anchor.seq == 0:
        return None
    stored = repository.hash_at(session, access, anchor.tenant_id, anchor.seq)
    if stored == anchor.hash:
        return None
    end = repository.last_seq(session, access, anchor.tenant_id)
    return Mismatch(shorter=stored is None and end < anchor.seq, chain_end=end)


AnchorStatus = Literal["unchecked", "none", "matches", "forged", "truncated", "tampered"]


@dataclass(frozen=True)
class AnchorCheck:
    """The chain against its tenant's newest anchor. `status`: unchecked (no key set),
    none (no anchor yet), matches, forged (the signature fails), truncated (the chain
    ends before the anchored entry), tampered (the anchored entry has another hash)."""

    status: AnchorStatus
    name: str | None = None
    anchored_seq: int | None = None
    anchored_at: str | None = None
    chain_end: int | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("forged", "truncated", "tampered")

    @property
    def reason(self) -> str | None:
        if self.status == "forged":
            return f"anchor signature does not verify: {self.name}"
        if self.status == "truncated":
            return (
                f"chain is shorter than its anchor: anchored seq {self.anchored_seq}"
                f" ({self.anchored_at}), chain ends at seq {self.chain_end}"
            )
        if self.status == "tampered":
            return f"entry seq {self.anchored_seq} differs from its anchor ({self.anchored_at})"
        return None


def check(
    session: Session,
    access: AccessContext,
    source: Blobs,
    key: Ed25519PublicKey | None,
    tenant_id: uuid.UUID,
) -> AnchorCheck:
    """What `audit verify` reports on the anchor, for the CLI and the API alike."""
    if key is None:
        return AnchorCheck("unchecked")
    newest = latest(source, key, tenant_id)
    if newest.name is None:
        return AnchorCheck("none")
    if newest.anchor is None:
        return AnchorCheck("forged", newest.name)
    anchor = newest.anchor
    mismatch = compare(session, access, anchor)
    status: AnchorStatus = (
        "matches" if mismatch is None else "truncated" if mismatch.shorter else "tampered"
    )
    return AnchorCheck(
        status,
        newest.name,
        anchor.seq,
        anchor.at,
        mismatch.chain_end if mismatch is not None else None,
    )
