"""Two app instances ("pods") with nothing shared but the database and an S3 server
(moto's, listening on a port; the app reaches it over HTTP as it would MinIO): an
import previewed on one is committed on the other, a job's file written by one is read
by the other, and a case attachment uploaded on one is downloaded from the other. With
no bucket and a disk each, the second pod cannot find the first one's upload: that is
why production needs the bucket or a ReadWriteMany volume (docs/operations.md)."""

import socket
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from tests.api.test_casework import OFFICE, PDF, _laborer, _ok, visit
from tests.api.test_laborer_import import _upload
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.fixtures.world import ApiUser

BUCKET = "lb-replicas"
REGION = "us-east-1"
KEYS = {"s3_access_key_id": "test", "s3_secret_access_key": SecretStr("test")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_server():  # type: ignore[no-untyped-def]
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    try:
        yield url, client
    finally:
        server.stop()


def _pods(world, tmp_path, url: str | None):  # type: ignore[no-untyped-def]
    """Two instances, each with its own LB_DATA_DIR (no shared disk)."""
    bucket = {"s3_bucket": BUCKET, "s3_endpoint_url": url, "s3_region": REGION, **KEYS}
    return [
        world.client(data_dir=tmp_path / name, **(bucket if url else {})) for name in ("a", "b")
    ]


def _keys(client, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return [o["Key"] for o in found]


def test_an_import_previewed_on_one_pod_commits_on_the_other(world, tmp_path, s3_server):
    url, s3 = s3_server
    a, b = (ApiUser(pod, "wushan.admin") for pod in _pods(world, tmp_path, url))
    preview = _upload(a, xlsx([ledger_row(name="跨实例甲"), ledger_row(name="跨实例乙")]))
    assert preview.status_code == 200, preview.text
    import_id = preview.json()["import_id"]
    assert _keys(s3, "uploads/imports/") == [f"uploads/imports/{import_id}.bin"]
    assert not (tmp_path / "a" / "uploads").exists(), "nothing staged on the pod's disk"
    committed = b.post(f"/api/v1/laborers/import/{import_id}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed"
    assert _keys(s3, "uploads/imports/") == [], "the staged file goes once committed"


def test_without_a_bucket_each_pod_has_only_its_own_disk(world, tmp_path):
    a, b = (ApiUser(pod, "wushan.admin") for pod in _pods(world, tmp_path, None))
    preview = _upload(a, xlsx([ledger_row(name="单机甲")]))
    assert preview.status_code == 200, preview.text
    refused = b.post(f"/api/v1/laborers/import/{preview.json()['import_id']}/commit")
    assert refused.status_code == 409, refused.text


def test_job_files_written_by_one_pod_are_read_by_the_other(world, tmp_path, s3_server):
    url, s3 = s3_server
    a, b = _pods(world, tmp_path, url)
    job_id = uuid.uuid4()
    a.app.state.job_files.save(job_id, "result", b"ledger bytes")
    assert _keys(s3, "uploads/jobs/") == [f"uploads/jobs/{job_id}.result.bin"]
    assert (
        b"ledger bytes"
        not in s3.get_object(Bucket=BUCKET, Key=f"uploads/jobs/{job_id}.result.bin")["Body"].read()
    )
    assert b.app.state.job_files.load(job_id, "result") == b"ledger bytes"


def test_an_attachment_uploaded_on_one_pod_downloads_from_the_other(
    world, login, tmp_path, s3_server
):
    url, _s3 = s3_server
    laborer = _laborer(login)
    a, b = (ApiUser(pod, OFFICE) for pod in _pods(world, tmp_path, url))
    case = _ok(a.post("/api/v1/cases", json=visit([laborer["id"]])))
    base = f"/api/v1/cases/{case['id']}/attachments"
    row = _ok(a.post(base, files={"file": ("scan.pdf", PDF, "application/pdf")}))
    response = b.get(f"{base}/{row['id']}")
    assert response.status_code == 200
    assert response.content == PDF
