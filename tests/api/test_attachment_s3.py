"""Case attachments on S3-compatible storage (moto's in-process S3): sealed before upload,
missing or tampered objects read as missing, and the factory choosing S3 or disk."""

import uuid

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from api.casework.storage import (
    DiskAttachmentStore,
    S3AttachmentStore,
    StoredAttachmentMissing,
    attachment_store,
)
from api.security.pii import PiiCipher
from api.settings import Settings
from tests.api.test_casework import OFFICE, PDF, PNG, _laborer, _ok, visit
from tests.fixtures.world import ApiUser

BUCKET = "lb-test-attachments"
REGION = "us-east-1"


@pytest.fixture
def s3():  # type: ignore[no-untyped-def]
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        yield client


def _settings(tmp_path, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(attachments_dir=tmp_path / "attachments", **overrides)


def _store(tmp_path) -> S3AttachmentStore:  # type: ignore[no-untyped-def]
    settings = _settings(tmp_path, s3_bucket=BUCKET, s3_region=REGION)
    store = attachment_store(settings, PiiCipher(settings))
    assert isinstance(store, S3AttachmentStore)
    return store


def _objects(s3) -> list[str]:  # type: ignore[no-untyped-def]
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_saved_attachments_round_trip_and_are_sealed_in_the_bucket(s3, tmp_path):
    store = _store(tmp_path)
    attachment_id = uuid.uuid4()
    store.save(attachment_id, PDF)
    assert _objects(s3) == [f"attachments/{attachment_id}.bin"]
    stored = s3.get_object(Bucket=BUCKET, Key=f"attachments/{attachment_id}.bin")["Body"].read()
    assert stored != PDF and PDF not in stored  # the bucket never sees plaintext
    assert store.load(attachment_id) == PDF
    assert not (tmp_path / "attachments").exists()


def test_missing_deleted_and_tampered_objects_read_as_missing(s3, tmp_path):
    store = _store(tmp_path)
    with pytest.raises(StoredAttachmentMissing):
        store.load(uuid.uuid4())
    gone = uuid.uuid4()
    store.save(gone, PNG)
    store.delete(gone)
    store.delete(gone)  # idempotent
    with pytest.raises(StoredAttachmentMissing):
        store.load(gone)
    assert _objects(s3) == []
    # Sealed for one id, the bytes do not open under another.
    first, second = uuid.uuid4(), uuid.uuid4()
    store.save(first, PNG)
    sealed = s3.get_object(Bucket=BUCKET, Key=f"attachments/{first}.bin")["Body"].read()
    s3.put_object(Bucket=BUCKET, Key=f"attachments/{second}.bin", Body=sealed)
    with pytest.raises(StoredAttachmentMissing):
        store.load(second)
    s3.put_object(Bucket=BUCKET, Key=f"attachments/{first}.bin", Body=b"not sealed")
    with pytest.raises(StoredAttachmentMissing):
        store.load(first)


def test_other_storage_errors_are_not_hidden_as_missing(s3, tmp_path):
    store = _store(tmp_path)
    store.bucket = "no-such-bucket"
    with pytest.raises(ClientError):
        store.load(uuid.uuid4())


def test_the_factory_picks_s3_when_a_bucket_is_set_and_disk_otherwise(tmp_path):
    disk_settings = _settings(tmp_path)
    disk = attachment_store(disk_settings, PiiCipher(disk_settings))
    assert isinstance(disk, DiskAttachmentStore)
    assert disk.root == tmp_path / "attachments"
    settings = _settings(
        tmp_path,
        s3_bucket="lb",
        s3_endpoint_url="http://127.0.0.1:9000",
        s3_region=REGION,
        s3_key_prefix="prod/cases/",
    )
    s3 = attachment_store(settings, PiiCipher(settings))
    assert isinstance(s3, S3AttachmentStore)
    assert (s3.bucket, s3.prefix) == ("lb", "prod/cases/")
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert s3.client.meta.config.s3 == {"addressing_style": "path"}


def test_upload_and_download_through_the_api_with_s3(world, login, s3):
    laborer = _laborer(login)
    office = ApiUser(world.client(s3_bucket=BUCKET, s3_region=REGION), OFFICE)
    case = _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))
    url = f"/api/v1/cases/{case['id']}/attachments"
    row = _ok(office.post(url, files={"file": ("scan.pdf", PDF, "application/pdf")}))
    key = f"attachments/{row['id']}.bin"
    assert _objects(s3) == [key]
    assert PDF not in s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert not world.settings.attachment_root.exists()
    response = office.get(f"{url}/{row['id']}")
    assert response.status_code == 200
    assert response.content == PDF
    s3.delete_object(Bucket=BUCKET, Key=key)
    assert office.get(f"{url}/{row['id']}").status_code == 404
