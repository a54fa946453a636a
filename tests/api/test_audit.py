"""The audit log: entries for changes, personal data masked, tampering detected."""

import uuid

from api.access import DataKind
from api.audit import service as audit
from api.db import use_operator_access
from shared_models import AuditEntry
from tests.fixtures.tamper import db_uuid, execute_as_superuser


def _entries(world, tenant_key):
    """The tenant's whole chain, newest first, page by page."""
    entries: list[AuditEntry] = []
    with world.owner_database().transaction() as session:
        access = use_operator_access(session, world.orgs[tenant_key], read=[DataKind.AUDIT])
        while True:
            before = entries[-1].seq if entries else None
            batch = audit.page(session, access, limit=500, before_seq=before)
            entries += batch
            if len(batch) < 500:
                return entries


def test_only_admins_read_the_log(login):
    assert login("wushan.staff").get("/api/v1/audit").status_code == 403
    page = login("wushan.admin").get("/api/v1/audit", params={"limit": 3}).json()
    assert len(page["items"]) == 3
    assert page["next_before_seq"] == page["items"][-1]["seq"]
    older = login("wushan.admin").get(
        "/api/v1/audit", params={"before_seq": page["next_before_seq"]}
    )
    assert all(e["seq"] < page["next_before_seq"] for e in older.json()["items"])


def test_each_tenant_has_its_own_chain(world):
    for key in ("wushan", "yantai", "wushan_office"):
        entries = _entries(world, key)
        assert [e.seq for e in reversed(entries)] == list(range(1, len(entries) + 1))
        assert all(e.tenant_id == world.orgs[key] for e in entries)
    creation = _entries(world, "wushan")[-1]
    assert (creation.seq, creation.action, creation.actor_label) == (
        1,
        "organization.create",
        "operator",
    )


def test_personal_data_is_masked_and_secrets_dropped(world):
    with world.owner_database().transaction() as session:
        access = use_operator_access(session, world.orgs["wushan"])
        entry = audit.record(
            session,
            access,
            action="test.pii",
            entity_type="laborer",
            entity_id=uuid.uuid4(),
            before={"id_number": "11010519491231002X", "phone": "13812345678", "name": "张三"},
            after={
                "password": "secret",
                "phone": "13900001111",
                "bank_account": "6222020200112233445",
            },
        )
        entry_id = entry.id
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs["wushan"], read=[DataKind.AUDIT])
        stored = session.get(AuditEntry, entry_id)
        assert stored.before == {
            "id_number": "110105********002X",
            "phone": "138****5678",
            "name": "张三",
        }
        assert stored.after == {"phone": "139****1111", "bank_account": "6*****************5"}


def test_verify_reports_the_first_altered_entry(world, cli):
    entries = _entries(world, "yantai")
    victim = next(e for e in entries if e.seq == 2)
    execute_as_superuser(
        world,
        "UPDATE audit_log SET actor_label = %s WHERE id = %s",
        ("mallory", db_uuid(world, victim.id)),
    )
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "TAMPERED" in result.stdout and "烟台市人社局" in result.stdout
    assert "seq 2" in result.stdout and str(victim.id) in result.stdout
    # Every other tenant's chain holds.
    assert result.stdout.count("OK") == len(world.orgs) - 1


def test_verify_reports_a_deleted_entry_and_a_cut_tail(world, cli):
    entries = sorted(_entries(world, "wushan"), key=lambda e: e.seq)
    middle, last = entries[1], entries[-1]
    execute_as_superuser(world, "DELETE FROM audit_log WHERE id = %s", (db_uuid(world, last.id),))
    tail = cli("audit", "verify", "--org", "巫山县人社局")
    assert tail.exit_code == 1
    assert f"seq {last.seq}" in tail.stdout and "missing" in tail.stdout
    execute_as_superuser(world, "DELETE FROM audit_log WHERE id = %s", (db_uuid(world, middle.id),))
    gap = cli("audit", "verify", "--org", "巫山县人社局")
    assert gap.exit_code == 1
    assert f"seq {middle.seq + 1}" in gap.stdout and "gap" in gap.stdout


def test_verify_through_the_api(login, world):
    assert login("kaizhou.admin").get("/api/v1/audit/verify").json()["ok"] is True
    execute_as_superuser(
        world, "UPDATE audit_log SET after = NULL WHERE action = %s", ("organization.create",)
    )
    report = login("kaizhou.admin").get("/api/v1/audit/verify").json()
    assert report == {**report, "ok": False, "bad_seq": 1}
