"""Audit anchors: a chain cut at the tail with `audit_heads` rewound to match still
verifies on its own; against the signed anchor written outside the database it does not."""

import base64
import json
import os
from pathlib import Path

import boto3
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from moto import mock_aws
from pydantic import SecretStr

from api.audit import anchors
from api.audit import service as audit
from api.db import use_operator_access
from tests.api.test_audit import _entries
from tests.fixtures.tamper import db_uuid, execute_as_superuser
from tests.fixtures.world import ORG_KEYS, ApiUser

WUSHAN = ORG_KEYS["wushan"]
BUCKET = "lb-test-anchors"
REGION = "us-east-1"


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def anchor_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "anchors-elsewhere"
    monkeypatch.setenv("LB_AUDIT_ANCHOR_DIR", str(directory))
    return directory


@pytest.fixture
def keyed_cli(cli, anchor_dir, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LB_AUDIT_ANCHOR_KEY", _key())
    return cli


def _cut_tail_and_rewind_head(world, tenant_key: str, drop: int) -> int:  # type: ignore[no-untyped-def]
    """Delete the last `drop` entries and move `audit_heads` back onto the new last one,
    as someone with the database's superuser would. The new chain end."""
    entries = sorted(_entries(world, tenant_key), key=lambda e: e.seq)
    keep, gone = entries[:-drop], entries[-drop:]
    for entry in gone:
        execute_as_superuser(
            world, "DELETE FROM audit_log WHERE id = %s", (db_uuid(world, entry.id),)
        )
    execute_as_superuser(
        world,
        "UPDATE audit_heads SET seq = %s, hash = %s WHERE tenant_id = %s",
        (keep[-1].seq, keep[-1].hash, db_uuid(world, world.orgs[tenant_key])),
    )
    return keep[-1].seq


def test_an_untouched_chain_matches_its_anchor(world, keyed_cli, anchor_dir):
    anchored = keyed_cli("audit", "anchor")
    assert anchored.exit_code == 0, anchored.output
    assert anchored.stdout.count("anchored seq") == len(world.orgs)
    for tenant_id in world.orgs.values():
        written = list((anchor_dir / str(tenant_id)).glob("*.json"))
        assert len(written) == 1
        record = json.loads(written[0].read_bytes())
        assert set(record) == {"tenant", "seq", "hash", "at", "signature"}
    result = keyed_cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("matches its anchor") == len(world.orgs)


def test_a_second_run_adds_an_anchor_and_verify_uses_the_newest(world, keyed_cli, anchor_dir):
    assert keyed_cli("audit", "anchor", "--org", WUSHAN).exit_code == 0
    with world.owner_database().transaction() as session:
        access = use_operator_access(session, world.orgs["wushan"])
        newest = audit.record(session, access, action="test.more", entity_type="t", entity_id=1)
        newest_seq = newest.seq
    assert keyed_cli("audit", "anchor", "--org", WUSHAN).exit_code == 0
    assert len(list((anchor_dir / str(world.orgs["wushan"])).glob("*.json"))) == 2
    result = keyed_cli("audit", "verify", "--org", WUSHAN)
    assert result.exit_code == 0, result.output
    assert f"matches its anchor (seq {newest_seq}," in result.stdout


def test_no_anchor_yet_is_said_and_is_no_error(keyed_cli):
    result = keyed_cli("audit", "verify", "--org", WUSHAN)
    assert result.exit_code == 0, result.output
    assert f"{WUSHAN}: 尚无锚点 / no anchor yet" in result.stdout


def test_a_truncated_and_rewound_chain_is_detected(world, cli, keyed_cli):
    assert keyed_cli("audit", "anchor").exit_code == 0
    anchored_seq = max(e.seq for e in _entries(world, "wushan"))
    chain_end = _cut_tail_and_rewind_head(world, "wushan", drop=2)
    # Without the anchor the cut is invisible: the chain and its head agree.
    assert use_anchor_key(cli, None)("audit", "verify", "--org", WUSHAN).exit_code == 0, (
        "the rewound chain should verify on its own (that is the gap anchors close)"
    )
    result = keyed_cli("audit", "verify")
    assert result.exit_code == 1
    assert (
        f"TRUNCATED  {WUSHAN}: 日志比锚点短" in result.stdout
        and f"anchored seq {anchored_seq}" in result.stdout
        and f"chain ends at seq {chain_end}" in result.stdout
    ), result.stdout
    # Only the tenant that was cut fails; the others still match.
    assert result.stdout.count("matches its anchor") == len(world.orgs) - 1


def test_the_api_checks_the_anchor_too(world, keyed_cli, anchor_dir):
    """GET /api/v1/audit/verify reads the same anchors as the CLI: a tail cut with the head
    rewound verifies as a chain, and the report fails on the anchor, saying why."""
    assert keyed_cli("audit", "anchor").exit_code == 0
    key = os.environ["LB_AUDIT_ANCHOR_KEY"]
    public = anchors.public_key_text(anchors.signing_key(_settings_with(world, key)))
    # The web service holds the public key only (as in deploy/kubernetes).
    client = world.client(
        audit_anchor_public_key=public, audit_anchor_dir=anchor_dir, audit_anchor_key=SecretStr("")
    )
    before = ApiUser(client, "wushan.admin").get("/api/v1/audit/verify").json()
    assert before["ok"] is True and before["anchor"]["status"] == "matches", before
    anchored_seq = before["anchor"]["anchored_seq"]

    chain_end = _cut_tail_and_rewind_head(world, "wushan", drop=2)
    report = ApiUser(client, "wushan.admin").get("/api/v1/audit/verify").json()
    assert report["chain_ok"] is True  # the cut is invisible to the chain alone
    assert report["ok"] is False
    assert report["anchor"] == {
        "status": "truncated",
        "reason": f"chain is shorter than its anchor: anchored seq {anchored_seq}"
        f" ({before['anchor']['anchored_at']}), chain ends at seq {chain_end}",
        "anchored_seq": anchored_seq,
        "anchored_at": before["anchor"]["anchored_at"],
        "chain_end": chain_end,
    }
    # Another tenant's admin sees only their own chain, which still matches.
    other = ApiUser(client, "yantai.admin").get("/api/v1/audit/verify").json()
    assert other["ok"] is True and other["anchor"]["status"] == "matches"
    assert other["tenant_id"] == str(world.orgs["yantai"])


def test_the_api_says_when_no_key_is_set(world, login):
    report = login("wushan.admin").get("/api/v1/audit/verify").json()
    assert report["ok"] is True and report["anchor"]["status"] == "unchecked"


def _settings_with(world, key: str):  # type: ignore[no-untyped-def]
    return world.settings.model_copy(update={"audit_anchor_key": SecretStr(key)})


def test_a_rewritten_tail_differs_from_its_anchor(world, keyed_cli):
    assert keyed_cli("audit", "anchor", "--org", WUSHAN).exit_code == 0
    anchored_seq = max(e.seq for e in _entries(world, "wushan"))
    _cut_tail_and_rewind_head(world, "wushan", drop=1)
    with world.owner_database().transaction() as session:  # history written anew
        access = use_operator_access(session, world.orgs["wushan"])
        audit.record(session, access, action="test.rewrite", entity_type="t", entity_id=1)
    result = keyed_cli("audit", "verify", "--org", WUSHAN)
    assert result.exit_code == 1
    assert f"entry seq {anchored_seq} differs from its anchor" in result.stdout, result.stdout


def test_a_forged_anchor_is_reported(world, keyed_cli, anchor_dir, monkeypatch):
    assert keyed_cli("audit", "anchor", "--org", WUSHAN).exit_code == 0
    # The forger, without the key, writes a newer anchor that matches the rewound chain.
    chain_end = _cut_tail_and_rewind_head(world, "wushan", drop=2)
    [genuine] = (anchor_dir / str(world.orgs["wushan"])).glob("*.json")
    record = json.loads(genuine.read_bytes())
    record["seq"] = chain_end
    forged = genuine.with_name("99991231T000000.000000Z.json")
    forged.write_bytes(json.dumps(record).encode())
    result = keyed_cli("audit", "verify", "--org", WUSHAN)
    assert result.exit_code == 1
    assert f"ANCHOR FORGED  {WUSHAN}: 锚点签名无效" in result.stdout
    assert "anchor signature does not verify" in result.stdout
    # Signed with another key: forged just the same.
    monkeypatch.setenv("LB_AUDIT_ANCHOR_KEY", _key())
    assert keyed_cli("audit", "anchor", "--org", WUSHAN).exit_code == 0
    monkeypatch.setenv("LB_AUDIT_ANCHOR_KEY", _key())
    assert "anchor signature does not verify" in keyed_cli("audit", "verify").stdout


def test_a_verifier_needs_only_the_public_key(world, cli, anchor_dir, monkeypatch):
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    monkeypatch.setenv("LB_AUDIT_ANCHOR_KEY", base64.b64encode(seed).decode())
    anchored = cli("audit", "anchor", "--org", WUSHAN)
    assert anchored.exit_code == 0
    assert f"public key: {base64.b64encode(public).decode()}" in anchored.stdout
    monkeypatch.delenv("LB_AUDIT_ANCHOR_KEY")
    monkeypatch.setenv("LB_AUDIT_ANCHOR_PUBLIC_KEY", base64.b64encode(public).decode())
    assert cli("audit", "verify", "--org", WUSHAN).exit_code == 0
    _cut_tail_and_rewind_head(world, "wushan", drop=1)
    assert "TRUNCATED" in cli("audit", "verify", "--org", WUSHAN).stdout


def test_anchor_refuses_without_a_key(cli):
    result = cli("audit", "anchor")
    assert result.exit_code == 1
    assert "LB_AUDIT_ANCHOR_KEY is not set" in result.stderr
    verify = cli("audit", "verify")
    assert verify.exit_code == 0
    assert "anchors not checked" in verify.stdout


def test_anchors_in_the_bucket(world, keyed_cli, anchor_dir, monkeypatch):
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        monkeypatch.setenv("LB_S3_BUCKET", BUCKET)
        monkeypatch.setenv("LB_S3_REGION", REGION)
        assert keyed_cli("audit", "anchor").exit_code == 0
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
        assert len(keys) == len(world.orgs)
        assert all(k.startswith("audit-anchors/") and k.endswith(".json") for k in keys)
        assert not anchor_dir.exists()  # the bucket, not the directory
        assert keyed_cli("audit", "verify").exit_code == 0
        _cut_tail_and_rewind_head(world, "wushan", drop=2)
        result = keyed_cli("audit", "verify")
        assert result.exit_code == 1
        assert f"TRUNCATED  {WUSHAN}" in result.stdout


def use_anchor_key(cli, key: str | None):  # type: ignore[no-untyped-def]
    """`cli` run with LB_AUDIT_ANCHOR_KEY set to `key` (None: unset) for one call."""

    def run(*args: str):  # type: ignore[no-untyped-def]
        saved = os.environ.pop("LB_AUDIT_ANCHOR_KEY", None)
        if key is not None:
            os.environ["LB_AUDIT_ANCHOR_KEY"] = key
        try:
            return cli(*args)
        finally:
            os.environ.pop("LB_AUDIT_ANCHOR_KEY", None)
            if saved is not None:
                os.environ["LB_AUDIT_ANCHOR_KEY"] = saved

    return run
