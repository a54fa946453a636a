"""Casework under row-level security: below the application's checks, the office and
its county read its cases; the employer's bureau reads only disputes with its own
employers (and their laborers' rows, not the notes or attachments); nobody else reads
anything, and only the office writes."""

import pytest
from sqlalchemy import text

from api.access import build_access_context
from api.db import apply_access
from shared_models.enums import Role
from tests.fixtures.factories import employer_payload, laborer_payload

pytestmark = pytest.mark.postgres_only
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def _ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 201, response.text
    return response.json()


def _as(world, tenant_key, sql, role=Role.STAFF):  # type: ignore[no-untyped-def]
    database = world.app_database()
    with database.transaction() as session:
        access = build_access_context(
            session,
            tenant_id=world.orgs[tenant_key],
            role=role,
            can_reveal_pii=False,
            user_id=None,
            actor_label="test",
        )
        apply_access(session, access)
        result = session.execute(text(sql))
        return result.scalar() if result.returns_rows else result.rowcount


def test_cases_follow_the_sharing_table(world, login):
    laborer = _ok(login("wushan.staff").post("/api/v1/laborers", json=laborer_payload()))
    employer = _ok(login("yantai.staff").post("/api/v1/employers", json=employer_payload()))
    office = login("wushan.yantai.staff")
    base = {
        "kind": "dispute",
        "occurred_on": "2026-03-02",
        "summary": "欠薪",
        "laborer_ids": [laborer["id"]],
        "dispute_kind": "unpaid_wages",
    }
    case = _ok(office.post("/api/v1/cases", json=base | {"employer_id": employer["id"]}))
    _ok(office.post("/api/v1/cases", json=base | {"employer_name": "某包工队"}))
    visit = {k: v for k, v in base.items() if k != "dispute_kind"} | {"kind": "visit"}
    _ok(office.post("/api/v1/cases", json=visit))
    _ok(office.post(f"/api/v1/cases/{case['id']}/notes", json={"body": "跟进"}))
    files = {"file": ("a.png", PNG, "image/png")}
    _ok(office.post(f"/api/v1/cases/{case['id']}/attachments", files=files))

    def count(tenant, table):  # type: ignore[no-untyped-def]
        return _as(world, tenant, f"SELECT count(*) FROM {table}")

    for tenant in ("wushan_office", "wushan"):
        assert count(tenant, "cases") == 3, tenant
        assert count(tenant, "case_laborers") == 3, tenant
        assert count(tenant, "case_notes") == 1, tenant
        assert count(tenant, "case_attachments") == 1, tenant
    assert count("yantai", "cases") == 1
    assert count("yantai", "case_laborers") == 1
    assert count("yantai", "case_notes") == 0
    assert count("yantai", "case_attachments") == 0
    for outsider in ("kaizhou", "kaizhou_office", "weifang"):
        for table in ("cases", "case_laborers", "case_notes", "case_attachments"):
            assert count(outsider, table) == 0, (outsider, table)
    # Only the office writes: the county and the employer's bureau change nothing.
    for reader in ("wushan", "yantai"):
        assert _as(world, reader, "UPDATE cases SET summary = 'x'", Role.ADMIN) == 0, reader
    assert _as(world, "wushan_office", "UPDATE cases SET outcome = 'y'") == 3
