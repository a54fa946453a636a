"""The `laborbridge` command as an operator uses it."""

import re
import uuid

import pytest
from sqlalchemy import select

from shared_models import Organization, User, WebSession
from tests.fixtures.world import PASSWORD

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_create_a_sending_bureau_prints_its_id(cli, world):
    result = cli(
        "org", "create", "--kind", "sending", "--name", "石柱县人社局", "--region", "500240"
    )
    assert result.exit_code == 0, result.output
    org_id = result.stdout.strip()
    assert UUID.match(org_id)
    with world.owner_database().sessions() as session:
        org = session.get(Organization, uuid.UUID(org_id))
    assert (org.name, org.kind.value, org.region_code) == ("石柱县人社局", "sending", "500240")


@pytest.mark.parametrize(
    ("region", "message_zh", "message_en"),
    [
        ("50024", "6 位数字", "exactly 6 digits"),
        ("5002400", "6 位数字", "exactly 6 digits"),
        ("99A000", "6 位数字", "exactly 6 digits"),
        ("990000", "不是省级行政区划代码", "not the code of a Chinese province-level division"),
    ],
)
def test_bad_region_codes_are_refused_in_both_languages(cli, region, message_zh, message_en):
    result = cli("org", "create", "--kind", "sending", "--name", "某县人社局", "--region", region)
    assert result.exit_code == 1
    assert message_zh in result.stderr and message_en in result.stderr


def test_liaison_office_needs_a_parent_and_pairing(cli, world):
    result = cli("org", "create", "--kind", "liaison", "--name", "新办事处", "--region", "370600")
    assert result.exit_code == 1
    assert "--parent" in result.stderr
    wrong_parent = cli(
        "org",
        "create",
        "--kind",
        "liaison",
        "--name",
        "新办事处",
        "--region",
        "370600",
        "--parent",
        "开州区就业和人才中心",
        "--pairing",
        "巫山县人社局/烟台市人社局",
    )
    assert wrong_parent.exit_code == 1
    assert "pairing" in wrong_parent.stderr
    ok = cli(
        "org",
        "create",
        "--kind",
        "liaison",
        "--name",
        "巫山县驻威海劳务工作站",
        "--region",
        "371000",
        "--parent",
        "巫山县人社局",
        "--pairing",
        str(world.pairings["wushan"]),
    )
    assert ok.exit_code == 0, ok.output


def test_unknown_org_and_duplicate_name(cli):
    unknown = cli(
        "pairing",
        "create",
        "--sending",
        "不存在的局",
        "--receiving",
        "烟台市人社局",
        "--year",
        "2022",
    )
    assert unknown.exit_code == 1
    assert "不存在的局" in unknown.stderr
    assert "No organization is called or numbered" in unknown.stderr
    duplicate = cli(
        "org", "create", "--kind", "receiving", "--name", "烟台市人社局", "--region", "370600"
    )
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.stderr and "已存在" in duplicate.stderr


def test_pairing_create_and_duplicate(cli):
    created = cli(
        "pairing",
        "create",
        "--sending",
        "开州区就业和人才中心",
        "--receiving",
        "烟台市人社局",
        "--year",
        "2022",
    )
    assert created.exit_code == 0, created.output
    assert UUID.match(created.stdout.strip())
    again = cli(
        "pairing",
        "create",
        "--sending",
        "开州区就业和人才中心",
        "--receiving",
        "烟台市人社局",
        "--year",
        "2023",
    )
    assert again.exit_code == 1
    assert created.stdout.strip() in again.stderr  # points at the existing pairing
    reversed_sides = cli(
        "pairing",
        "create",
        "--sending",
        "烟台市人社局",
        "--receiving",
        "开州区就业和人才中心",
        "--year",
        "2023",
    )
    assert reversed_sides.exit_code == 1
    assert "not a sending bureau" in reversed_sides.stderr


def test_pairing_target(cli):
    ok = cli(
        "pairing",
        "target",
        "--pairing",
        "巫山县人社局/烟台市人社局",
        "--year",
        "2022",
        "--metric",
        "laborers_transferred",
        "--value",
        "1200",
    )
    assert ok.exit_code == 0, ok.output
    bad = cli(
        "pairing",
        "target",
        "--pairing",
        "巫山县人社局/烟台市人社局",
        "--year",
        "2022",
        "--metric",
        "happiness",
        "--value",
        "1",
    )
    assert bad.exit_code == 1


def test_user_create_from_stdin_and_sign_in(cli, client, world):
    result = cli(
        "user",
        "create",
        "--org",
        "烟台市人社局",
        "--username",
        "Yantai.Clerk",
        "--role",
        "viewer",
        "--display-name",
        "烟台 窗口",
        stdin="a-long-secret-9\n",
    )
    assert result.exit_code == 0, result.output
    user_id = uuid.UUID(result.stdout.strip())
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "yantai.clerk", "password": "a-long-secret-9"},
    )
    assert token.status_code == 200
    with world.owner_database().sessions() as session:
        user = session.get(User, user_id)
        assert user.password_hash.startswith("$argon2id$")


def test_user_create_errors(cli):
    duplicate = cli(
        "user",
        "create",
        "--org",
        "烟台市人社局",
        "--username",
        "yantai.staff",
        "--role",
        "staff",
        stdin="a-long-secret-9\n",
    )
    assert duplicate.exit_code == 1
    assert "is taken" in duplicate.stderr and "已被占用" in duplicate.stderr
    weak = cli(
        "user",
        "create",
        "--org",
        "烟台市人社局",
        "--username",
        "yantai.new",
        "--role",
        "staff",
        stdin="short\n",
    )
    assert weak.exit_code == 1
    assert "at least 10 characters" in weak.stderr
    bad_role = cli(
        "user",
        "create",
        "--org",
        "烟台市人社局",
        "--username",
        "yantai.new2",
        "--role",
        "boss",
        stdin="a-long-secret-9\n",
    )
    assert bad_role.exit_code == 1
    unknown_org = cli(
        "user",
        "create",
        "--org",
        "nowhere",
        "--username",
        "x.y.z",
        "--role",
        "staff",
        stdin="a-long-secret-9\n",
    )
    assert unknown_org.exit_code == 1


def test_add_membership_and_disable(cli, client, world):
    added = cli(
        "user",
        "add-membership",
        "--username",
        "yantai.staff",
        "--org",
        "巫山县驻烟台劳务办事处",
        "--role",
        "viewer",
    )
    assert added.exit_code == 0, added.output
    again = cli(
        "user",
        "add-membership",
        "--username",
        "yantai.staff",
        "--org",
        "巫山县驻烟台劳务办事处",
        "--role",
        "viewer",
    )
    assert again.exit_code == 1
    # A web session, then disable: it ends at once.
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(
        "/login", data={"username": "yantai.staff", "password": PASSWORD, "csrf_token": csrf}
    )
    disabled = cli("user", "disable", "--username", "yantai.staff")
    assert disabled.exit_code == 0, disabled.output
    assert "1 sessions ended" in disabled.stdout
    with world.owner_database().sessions() as session:
        ended = session.scalars(select(WebSession.end_reason)).all()
        assert ended == ["disabled"]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_demo_is_loaded_once(cli):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert "already present" in result.stdout
    assert "wushan.admin" in result.stdout


def test_audit_verify_passes_on_a_clean_log(cli):
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    # Four bureaus, two liaison offices, one supervisor: every tenant's chain.
    assert result.stdout.count("OK") == 7
