"""Where files wait between requests: a directory under LB_DATA_DIR, or the S3 bucket
when one is configured (LB_S3_BUCKET), so that replicas share nothing but PostgreSQL
and the object store. A file previewed on one pod is committed on another; a job's
result written by the worker is downloaded from any web pod.

Callers seal what they store (api/imports/storage.py, api/jobs/files.py): a backend only
ever holds ciphertext, under names the code makes (ids), never a client's.
"""

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from api.errors import StorageUnavailable
from api.i18n import _
from api.settings import Settings

log = logging.getLogger(__name__)


class BlobMissing(LookupError):
    pass


class Blobs(ABC):
    @abstractmethod
    def write(self, name: str, data: bytes) -> None: ...

    @abstractmethod
    def read(self, name: str) -> bytes:
        """The bytes; BlobMissing when there are none."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Idempotent: deleting what is not there is no error."""

    @abstractmethod
    def purge_older_than(self, seconds: float) -> int:
        """Remove what was written more than `seconds` ago; how many went."""

    @abstractmethod
    def names(self, prefix: str) -> list[str]:
        """The names that start with `prefix` (a folder such as `abc/`), sorted."""


class DiskBlobs(Blobs):
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see half a file

    def read(self, name: str) -> bytes:
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError as exc:
            raise BlobMissing(name) from exc

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)

    def purge_older_than(self, seconds: float) -> int:
        cutoff = time.time() - seconds
        count = 0
        for path in self.root.glob("*.bin"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                count += 1
        return count

    def names(self, prefix: str) -> list[str]:
        folder, _, start = prefix.rpartition("/")
        directory = self.root / folder
        if not directory.is_dir():
            return []
        found = (
            f"{folder}/{path.name}" if folder else path.name
            for path in directory.iterdir()
            if path.is_file() and path.name.startswith(start) and path.suffix != ".tmp"
        )
        return sorted(found)


class S3Blobs(Blobs):
    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def write(self, name: str, data: bytes) -> None:
        with outage():
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + name,
                Body=data,
                ContentType="application/octet-stream",
            )

    def read(self, name: str) -> bytes:
        with outage():
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
            except ClientError as exc:
                # Only a missing object is "missing"; denied access or an outage stays
                # an error.
                if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                    raise BlobMissing(name) from exc
                raise
            body: bytes = response["Body"].read()  # boto3 is untyped
            return body

    def delete(self, name: str) -> None:
        # S3 answers a delete of a missing key with success, so this is idempotent as is.
        with outage():
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)

    def purge_older_than(self, seconds: float) -> int:
        cutoff = time.time() - seconds
        count = 0
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                if item["LastModified"].timestamp() < cutoff:
                    self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                    count += 1
        return count

    def names(self, prefix: str) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        start = len(self.prefix)
        return sorted(item["Key"][start:] for page in pages for item in page.get("Contents", []))


@contextmanager
def outage() -> Iterator[None]:
    """An object store that fails or does not answer is a 503 (StorageUnavailable),
    never a 500 or a hang; a refusal (4xx) stays an error of ours, as it is."""
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        status = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
        if isinstance(exc, ClientError) and status is not None and status < 500:
            raise
        log.error("object store unavailable: %s", exc.__class__.__name__)
        raise StorageUnavailable(
            _("Please try again in a few seconds; a change you sent was not saved."),
            headers={"Retry-After": "5"},
        ) from exc


def s3_client(
    settings: Settings, *, connect: float = 3, read: float = 10, attempts: int = 2
) -> Any:
    # Bounded waits: botocore's defaults (60 s each, retried) would hold a request for
    # minutes while the object store is down.
    config = BotoConfig(
        connect_timeout=connect, read_timeout=read, retries={"max_attempts": attempts}
    )
    if settings.s3_endpoint_url:  # MinIO and most S3-compatible servers: path-style URLs
        config = config.merge(BotoConfig(s3={"addressing_style": "path"}))
    return boto3.session.Session().client(
        "s3",
        endpoint_url=settings.s3_endpoint_url or None,
        region_name=settings.s3_region or None,
        aws_access_key_id=settings.s3_access_key_id or None,
        aws_secret_access_key=settings.s3_secret_access_key.get_secret_value() or None,
        config=config,
    )


# Staging folders: under LB_DATA_DIR on disk, or key prefixes in the bucket.
IMPORTS = "uploads/imports"
JOBS = "uploads/jobs"
AUDIT_ANCHORS = "audit-anchors"  # never purged: signed chain heads (api/audit/anchors.py)


def blobs(settings: Settings, folder: str) -> Blobs:
    """The bucket when LB_S3_BUCKET is set (keys `<folder>/<name>`), otherwise the
    folder under LB_DATA_DIR."""
    if settings.s3_bucket:
        return S3Blobs(s3_client(settings), settings.s3_bucket, f"{folder}/")
    return DiskBlobs(Path(settings.data_dir) / folder)
