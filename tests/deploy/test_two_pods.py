"""Two web pods and a worker as real processes, as deploy/kubernetes/base runs them, that
share nothing but PostgreSQL and the object store: an import previewed on one pod is
committed on the other, a case attachment uploaded on one downloads from the other, and
a job queued on one is run by the worker and its file downloaded from the other. With
no bucket and a disk each, the second pod cannot find the first one's upload: that is
why production needs the bucket or a ReadWriteMany volume (docs/operations.md).

The database is a PostgreSQL cluster of the module's own with deploy/postgres/roles.sql
applied (production refuses SQLite, and the roles' names are fixed), migrated by the
migration Job's command; tenants and accounts are made with the operator's `laborbridge
org`/`pairing`/`user` commands. The bucket is moto's S3 server on a port, reached over
HTTP as the pods would reach MinIO. Users drive the pods over HTTP: API tokens, and a
browser's session cookie for the import pages."""

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.jobs.workbook import REASON_HEADER
from api.spreadsheets.reader import read_table
from tests.api.test_casework import PDF, visit
from tests.api.test_laborer_import import _upload
from tests.deploy.pods import Pod, browser, command, pod, pod_environment
from tests.deploy.processes import free_port
from tests.fixtures.factories import laborer_payload
from tests.fixtures.jobs import STATUS, job_path, wait_for_job
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.fixtures.throwaway_cluster import throwaway_cluster
from tests.web.helpers import csrf_from, sign_in

pytestmark = pytest.mark.postgres_only

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "roles.sql"
BUCKET = "lb-pods"
REGION = "us-east-1"
PASSWORD = "pods-share-nothing-2026"
COUNTY = "county.admin"  # the sending bureau's clerk: ledgers, laborers
OFFICE = "office.staff"  # its liaison office: cases and their attachments
WEB, WORKER, MIGRATE = "web-deployment.yaml", "worker-deployment.yaml", "migrate-job.yaml"


def _login_urls(port: int) -> dict[str, str]:
    """The Secret's database URLs for roles.sql's roles, with roles.sql's passwords."""
    roles = dict(re.findall(r"CREATE ROLE (\w+) LOGIN PASSWORD '([^']+)'", ROLES_SQL.read_text()))

    def url(role: str) -> str:
        return f"postgresql+psycopg://{role}:{roles[role]}@127.0.0.1:{port}/laborbridge"

    return {
        "LB_DATABASE_URL": url("laborbridge_web"),
        "LB_OWNER_DATABASE_URL": url("laborbridge_owner"),
    }


def _operator(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """A `laborbridge` command as the operator runs it, with the pods' settings."""
    result = CliRunner().invoke(cli_app, list(args), input=stdin, env=env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout.strip()


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A fresh database, migrated and provisioned; yields the Secret `laborbridge-secrets`."""
    with throwaway_cluster(tmp_path_factory.mktemp("pg"), host_auth="scram-sha-256") as cluster:
        cluster.psql_file(ROLES_SQL)  # as the database's initdb would
        keys = _operator({}, "keys", "generate").splitlines()
        secret = dict(line.split("=", 1) for line in keys if "=" in line)
        secret |= _login_urls(cluster.port)
        migrate = pod_environment(MIGRATE, secret)
        job = command(MIGRATE)  # laborbridge db upgrade, in this process: the same command
        assert job[0] == "laborbridge"
        _operator(migrate, *job[1:])
        _provision(migrate)
        yield secret


def _provision(env: dict[str, str]) -> None:
    county, city = "巫山县人社局", "烟台市人社局"
    _operator(env, "org", "create", "--kind", "sending", "--name", county, "--region", "500237")
    _operator(env, "org", "create", "--kind", "receiving", "--name", city, "--region", "370600")
    _operator(env, "pairing", "create", "--sending", county, "--receiving", city, "--year", "2026")
    office = "巫山县驻烟台劳务办事处"
    _operator(
        env,
        *("org", "create", "--kind", "liaison", "--name", office, "--region", "370600"),
        *("--parent", county, "--pairing", f"{county}/{city}"),
    )
    for org, username, role in ((county, COUNTY, "admin"), (office, OFFICE, "staff")):
        _operator(
            env,
            *("user", "create", "--org", org, "--username", username, "--role", role),
            stdin=PASSWORD + "\n",
        )


@pytest.fixture(scope="module")
def bucket() -> Iterator[tuple[dict[str, str], object]]:
    """The object store: the pods' settings for it, and a client to look inside."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        s3 = boto3.client(
            "s3",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        s3.create_bucket(Bucket=BUCKET)
        settings = {
            "LB_S3_BUCKET": BUCKET,  # ConfigMap
            "LB_S3_ENDPOINT_URL": url,
            "LB_S3_REGION": REGION,
            "LB_S3_ACCESS_KEY_ID": "test",  # Secret
            "LB_S3_SECRET_ACCESS_KEY": "test",
        }
        yield settings, s3
    finally:
        server.stop()


@contextmanager
def _run(pods: list[Pod]) -> Iterator[list[Pod]]:
    """Started together (they boot in parallel), ended whatever the test did."""
    try:
        for each in pods:
            each.start()
        for each in pods:
            each.wait_ready()
        yield pods
    finally:
        for each in pods:
            each.send(signal.SIGTERM)
        for each in pods:
            each.stop()


@pytest.fixture(scope="module")
def pods(secret, bucket, tmp_path_factory) -> Iterator[list[Pod]]:  # type: ignore[no-untyped-def]
    """Web pods a and b and the worker, each with a disk of its own, one bucket."""
    root = tmp_path_factory.mktemp("pods")
    web, worker = (pod_environment(m, bucket[0] | secret) for m in (WEB, WORKER))
    # Background jobs run in the worker only (config.env), so its result is the worker's.
    assert web["LB_WORKER_THREADS"] == "0"
    running = [pod("a", WEB, web, root), pod("b", WEB, web, root), pod("w", WORKER, worker, root)]
    with _run(running):
        yield running


def _token(pod_: Pod, username: str) -> str:
    response = httpx.post(
        f"{pod_.url}/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _callers(pods_: list[Pod], username: str) -> list[httpx.Client]:
    """One user's API calls to each pod, with the token one of them issued."""
    token = _token(pods_[0], username)
    headers = {"Authorization": f"Bearer {token}"}
    return [httpx.Client(base_url=p.url, headers=headers, timeout=60) for p in pods_]


def _keys(s3, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return sorted(o["Key"] for o in found)


def _stored(s3, key: str) -> bytes:  # type: ignore[no-untyped-def]
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def _no_staged_files(pods_: list[Pod]) -> None:
    for each in pods_:
        assert not (each.data_dir / "uploads").exists(), f"{each.name} staged a file on its disk"


def _ok(response: httpx.Response, expect: int = 200):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def test_an_import_previewed_on_one_pod_commits_on_the_other(pods, bucket):  # type: ignore[no-untyped-def]
    a, b, _worker = pods
    s3 = bucket[1]
    on_a, on_b = _callers([a, b], COUNTY)
    content = xlsx([ledger_row(姓名="跨实例甲"), ledger_row(姓名="跨实例乙")])
    import_id = _ok(_upload(on_a, content))["import_id"]
    staged = f"uploads/imports/{import_id}.bin"
    assert _keys(s3, "uploads/imports/") == [staged]
    assert content not in _stored(s3, staged), "the bucket holds only ciphertext"
    _no_staged_files(pods)

    committed = _ok(on_b.post(f"/api/v1/laborers/import/{import_id}/commit"))
    assert committed["status"] == "committed"
    assert _keys(s3, "uploads/imports/") == [], "the staged file goes once committed"
    for caller in (on_a, on_b):
        listed = _ok(caller.get("/api/v1/laborers", params={"page_size": 200}))
        assert {"跨实例甲", "跨实例乙"} <= {row["name"] for row in listed["items"]}


def test_an_attachment_uploaded_on_one_pod_downloads_from_the_other(pods, bucket):  # type: ignore[no-untyped-def]
    a, b, _worker = pods
    s3 = bucket[1]
    county = _callers([a], COUNTY)[0]
    laborer = _ok(county.post("/api/v1/laborers", json=laborer_payload(name="王大山")), 201)
    on_a, on_b = _callers([a, b], OFFICE)
    case = _ok(on_a.post("/api/v1/cases", json=visit([laborer["id"]])), 201)
    base = f"/api/v1/cases/{case['id']}/attachments"
    row = _ok(on_a.post(base, files={"file": ("scan.pdf", PDF, "application/pdf")}), 201)
    stored = [k for k in _keys(s3, "attachments/") if row["id"] in k]
    assert len(stored) == 1 and PDF not in _stored(s3, stored[0])
    assert not (a.data_dir / "attachments").exists()

    response = on_b.get(f"{base}/{row['id']}")
    assert response.status_code == 200, response.text
    assert response.content == PDF


def test_a_job_queued_on_one_pod_runs_in_the_worker_and_its_file_downloads_from_the_other(  # type: ignore[no-untyped-def]
    pods, bucket
):
    """The import pages: a ledger with a bad row is uploaded on pod a, the worker checks
    it (reading the upload from the bucket) and writes the annotated workbook back, and
    the clerk's browser, now routed to pod b, follows the job and downloads the file."""
    a, b, worker = pods
    s3 = bucket[1]
    cookies = CookieJar()
    with browser(a.url, cookies) as on_a, browser(b.url, cookies) as on_b:
        assert sign_in(on_a, COUNTY, PASSWORD).status_code == 303
        form = on_b.get("/laborers/import")  # the session is in the database, not a pod
        assert form.status_code == 200, form.text[:500]
        ledger = xlsx([ledger_row(姓名="好行"), ledger_row(姓名="坏行", 身份证号码="123")])
        queued = on_a.post(
            "/laborers/import",
            data={"csrf_token": csrf_from(form.text)},
            files={"file": ("台账.xlsx", ledger)},
        )
        path = job_path(queued)
        job_id = path.rsplit("/", 1)[1]
        try:
            done = wait_for_job(on_b, path)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{worker.tail()}") from None
        assert STATUS.search(done.text).group(1) == "succeeded", done.text[:2000]  # type: ignore[union-attr]
        assert f'href="/jobs/{job_id}/result"' in done.text
        result = on_b.get(f"/jobs/{job_id}/result")
    assert result.status_code == 200, result.text[:500]
    table = read_table(result.content, "result.xlsx")
    assert REASON_HEADER in table.headers
    reasons = {row[table.headers.index("姓名")]: row[-1] for _n, row in table.rows}
    assert reasons["坏行"] and not reasons.get("好行")
    # The upload went to the bucket and back (no disk holds it), and goes once checked;
    # the result stays there, sealed, for any pod to serve.
    _no_staged_files([a, b, worker])
    assert _keys(s3, f"uploads/jobs/{job_id}.") == [f"uploads/jobs/{job_id}.result.bin"]
    assert result.content not in _stored(s3, f"uploads/jobs/{job_id}.result.bin")


def test_without_a_bucket_each_pod_has_only_its_own_disk(secret, tmp_path):  # type: ignore[no-untyped-def]
    """Two more web pods with a disk each and no bucket: the preview stays on the first
    one's disk, and the second answers 409."""
    web = pod_environment(WEB, secret)
    assert "LB_S3_BUCKET" not in web
    with _run([pod("c", WEB, web, tmp_path), pod("d", WEB, web, tmp_path)]) as (c, d):
        on_c, on_d = _callers([c, d], COUNTY)
        import_id = _ok(_upload(on_c, xlsx([ledger_row(姓名="单机甲")])))["import_id"]
        assert (c.data_dir / "uploads" / "imports" / f"{import_id}.bin").is_file()
        refused = on_d.post(f"/api/v1/laborers/import/{import_id}/commit")
        assert refused.status_code == 409, refused.text
