"""Ledger import: every problem reported by row and column before anything is saved;
then all rows or none; re-imports change nothing; export → import is a round trip."""

import io
import zipfile

import pytest
import python_calamine
from sqlalchemy import func, select

from api.access import DataKind
from api.db import use_operator_access
from shared_models import AuditEntry, Laborer
from shared_models.validators.idnumber import with_check_character
from tests.fixtures.factories import id_number
from tests.fixtures.ledgers import csv_bytes, ledger_row, xlsx


def _state(world, tenant="wushan"):
    """(laborers, audit entries): what an import may change."""
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs[tenant], read=[DataKind.LABORER, DataKind.AUDIT])
        tenant_id = world.orgs[tenant]
        laborers = session.scalar(
            select(func.count()).select_from(Laborer).where(Laborer.tenant_id == tenant_id)
        )
        entries = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
        )
    return laborers, entries


def _upload(user, content, name="ledger.xlsx", dry_run=True):
    return user.post(
        "/api/v1/laborers/import",
        files={"file": (name, content)},
        data={"dry_run": "true" if dry_run else "false"},
    )


@pytest.fixture
def county(login):
    return login("wushan.admin")


def test_template_has_chinese_headers_and_instructions(county):
    response = county.get("/api/v1/laborers/import/template")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["劳动力台账", "填写说明"]
    headers = book.get_sheet_by_index(0).to_python()[0]
    assert headers[:3] == ["姓名", "身份证号码", "性别"]
    assert {"脱贫属性", "就业状态", "技能（工种）", "培训需求"} <= set(headers)
    notes = book.get_sheet_by_name("填写说明").to_python()
    assert any("建档立卡贫困户" in str(row) for row in notes)


def test_a_good_file_previews_then_commits(county, world):
    rows = [ledger_row(姓名=f"张秀{n}", 身份证号码=id_number(sex="female")) for n in "英兰芳"]
    before = _state(world)
    preview = _upload(county, xlsx(rows))
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["status"], body["rows"], body["new"], body["updated"], body["unchanged"]) == (
        "previewed",
        3,
        3,
        0,
        0,
    )
    assert _state(world) == before  # a preview saves nothing
    committed = county.post(f"/api/v1/laborers/import/{body['import_id']}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed"
    laborers, entries = _state(world)
    assert laborers == before[0] + 3
    assert entries == before[1] + 3 + 1  # one per laborer, one for the batch
    again = county.post(f"/api/v1/laborers/import/{body['import_id']}/commit")
    assert again.status_code == 409
    found = county.get("/api/v1/laborers", params={"q": "张秀英"}).json()["items"][0]
    assert found["skills"] == [{"name": "中式面点师", "code": "4-03-02-02"}]
    assert found["preferred_cities"] == ["烟台", "威海"]
    assert found["last_surveyed_on"] == "2026-09-01"
    history = county.get(f"/api/v1/laborers/{found['id']}/surveys").json()
    assert [s["surveyor"] for s in history] == ["向红梅"]


BAD_ROWS = [
    ("bad check digit", {"身份证号码": "50023719900101123X"}, "身份证号码", "id_checksum"),
    (
        "impossible date",
        {"身份证号码": with_check_character("50023719900230123")},
        "身份证号码",
        "id_date",
    ),
    ("unknown status", {"就业状态": "在家"}, "就业状态", "unknown_value"),
    ("missing required field", {"村（社区）": ""}, "村（社区）", "missing"),
    ("unknown region code", {"户籍地区划代码": "500299"}, "户籍地区划代码", "region_unknown"),
    ("bad yes/no", {"是否两后生": "也许"}, "是否两后生", "unknown_value"),
    ("bad date", {"摸底日期": "2026-02-30"}, "摸底日期", "impossible_date"),
    ("masked id", {"身份证号码": "500237********1234"}, "身份证号码", "id_masked"),
]


@pytest.mark.parametrize(
    ("case", "overrides", "column", "code"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS]
)
def test_each_bad_input_is_reported_and_nothing_saved(county, world, case, overrides, column, code):
    rows = [ledger_row(), ledger_row(), ledger_row(**overrides), ledger_row()]
    before = _state(world)
    response = _upload(county, xlsx(rows), dry_run=False)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["status"]) == ("/problems/import-rejected", 422)
    assert (body["import_status"], body["rows"]) == ("rejected", 4)
    problems = [(e["row"], e["column"], e["code"]) for e in body["errors"]]
    assert (4, column, code) in problems, problems  # header is row 1: the third data row is 4
    assert all(e["message"] for e in body["errors"])
    # The rejected import stays on record with the same report; no row of it does.
    kept = county.get(f"/api/v1/laborers/import/{body['import_id']}").json()
    assert (kept["status"], kept["errors"]) == ("rejected", body["errors"])
    assert _state(world) == before


def test_duplicate_id_inside_the_file(county, world):
    number = id_number()
    rows = [ledger_row(身份证号码=number), ledger_row(), ledger_row(身份证号码=number.lower())]
    body = _upload(county, xlsx(rows), dry_run=False).json()
    duplicate = next(e for e in body["errors"] if e["code"] == "duplicate_in_file")
    assert (duplicate["row"], duplicate["column"]) == (4, "身份证号码")
    assert "2" in duplicate["message"]  # names the first row


def test_a_formula_where_a_value_belongs(county, world):
    rows = [ledger_row(), ledger_row(**{"期望月薪（元）": 9000})]
    content = xlsx(rows, formulas={(3, "期望月薪（元）"): "=4500*2"})
    body = _upload(county, content).json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (3, "期望月薪（元）", "formula")
    ]


def test_an_id_typed_as_a_number_is_explained(county):
    rows = [ledger_row(身份证号码=int("500237199001011231"))]
    body = _upload(county, xlsx(rows, id_as_number=True)).json()
    assert body["errors"][0]["code"] == "id_as_number"


def test_missing_columns_and_unreadable_files(county, world):
    before = _state(world)
    no_id = xlsx([ledger_row()], headers=["姓名", "乡镇（街道）"])
    body = _upload(county, no_id).json()
    assert body["errors"][0]["code"] == "missing_columns"
    assert "身份证号码" in body["errors"][0]["message"]
    for content, name, code in [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "photo.xlsx", "file_type"),
        (b"", "empty.xlsx", "file_empty"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "file_corrupt"),
    ]:
        response = _upload(county, content, name=name)
        assert response.status_code == 422, name
        assert response.json()["errors"][0]["code"] == code, name
    header_only = xlsx([])
    assert _upload(county, header_only).json()["errors"][0]["code"] == "no_rows"
    assert _state(world) == before


def test_csv_in_utf8_and_gbk(county):
    rows = [ledger_row(), ledger_row()]
    for encoding in ("utf-8-sig", "gb18030"):
        response = _upload(county, csv_bytes(rows, encoding), name="台账.csv")
        assert response.status_code == 200, (encoding, response.text)
        assert response.json()["new"] == 2
    formula = csv_bytes([ledger_row(备注='=HYPERLINK("http://x")')])
    assert _upload(county, formula, name="x.csv").json()["errors"][0]["code"] == "formula"


def test_reimport_changes_nothing_and_updates_are_counted(county, world):
    rows = [ledger_row(), ledger_row(), ledger_row()]
    content = xlsx(rows)
    assert _upload(county, content, dry_run=False).json()["new"] == 3
    laborers, entries = _state(world)
    version_of = {
        i["id"]: i["version"]
        for i in county.get("/api/v1/laborers", params={"page_size": 200}).json()["items"]
    }
    same = _upload(county, content, dry_run=False).json()
    assert (same["new"], same["updated"], same["unchanged"]) == (0, 0, 3)
    assert _state(world) == (laborers, entries + 1)  # only the batch entry
    after = {
        i["id"]: i["version"]
        for i in county.get("/api/v1/laborers", params={"page_size": 200}).json()["items"]
    }
    assert after == version_of
    rows[1]["村（社区）"] = "洋溪村"
    rows[2]["意向城市"] = "烟台"
    changed = _upload(county, xlsx([*rows, ledger_row()]), dry_run=False).json()
    assert (changed["new"], changed["updated"], changed["unchanged"]) == (1, 2, 1)
    moved = county.get("/api/v1/laborers", params={"q": rows[1]["身份证号码"]}).json()["items"][0]
    assert moved["village"] == "洋溪村" and moved["version"] == 2


def test_missing_optional_columns_keep_existing_values(county):
    row = ledger_row(备注="已在烟台务工")
    _upload(county, xlsx([row]), dry_run=False)
    headers = ["姓名", "身份证号码", "乡镇（街道）", "村（社区）", "脱贫属性", "就业状态"]
    result = _upload(
        county, xlsx([{**row, "就业状态": "已就业"}], headers=headers), dry_run=False
    ).json()
    assert result["updated"] == 1
    laborer = county.get("/api/v1/laborers", params={"q": row["身份证号码"]}).json()["items"][0]
    assert (laborer["employment_status"], laborer["note"]) == ("employed", "已在烟台务工")


def test_round_trip_export_then_import_changes_nothing(county, world):
    county.post("/api/v1/laborers", json={
        "name": "测试·阿依", "id_number": id_number(), "township": "巫峡镇", "village": "江东村",
        "poverty_status": "monitored", "employment_status": "employed", "note": "=HYPERLINK(\"x\")",
        "skills": [{"name": "电工", "code": "6-31-01-03"}, {"name": "焊工"}],
        "certificates": ["电工证"], "preferred_industries": ["制造业", "物流"],
    })  # fmt: skip
    exported = county.get("/api/v1/laborers/export", params={"reveal": "true"})
    assert exported.status_code == 200
    laborers, entries = _state(world)
    result = _upload(county, exported.content, dry_run=False).json()
    assert result["rows"] == laborers
    assert (result["new"], result["updated"], result["unchanged"]) == (0, 0, laborers)
    assert _state(world) == (laborers, entries + 1)


def test_exports_are_masked_unless_revealed_and_revealing_is_audited(county, login, world):
    masked = county.get("/api/v1/laborers/export", params={"roster": "unemployed"})
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(masked.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][1:5] == ["身份证号码", "性别", "年龄", "联系电话"]  # age, not birth date
    assert all("********" in row[1] for row in rows[1:])
    assert all("****" in str(row[4]) for row in rows[1:] if row[4])
    _, entries = _state(world)
    assert _state(world)[1] == entries  # masked exports are not audited
    assert (
        login("wushan.staff").get("/api/v1/laborers/export", params={"reveal": "true"}).status_code
        == 403
    )
    revealed = county.get(
        "/api/v1/laborers/export", params={"roster": "unemployed", "reveal": "true"}
    )
    full = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(revealed.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert all("*" not in row[1] and len(row[1]) == 18 for row in full[1:])
    assert _state(world)[1] == entries + 1


def test_exported_cells_never_hold_formulas(county):
    county.post("/api/v1/laborers", json={
        "name": "王五", "id_number": id_number(), "township": "巫峡镇", "village": "江东村",
        "poverty_status": "none", "employment_status": "employed",
        "note": "=cmd|' /C calc'!A0", "certificates": ["@SUM(1+1)", "+1", "-2"],
    })  # fmt: skip
    content = county.get("/api/v1/laborers/export", params={"q": "王五"}).content
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    cells = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert cells[1][-1] == "=cmd|' /C calc'!A0"  # kept as text


def test_only_a_county_writer_imports(login):
    content = xlsx([ledger_row()])
    for username in ("wushan.staff", "yantai.admin", "wushan.yantai.admin"):
        response = _upload(login(username), content)
        expected = 200 if username == "wushan.staff" else 403
        assert response.status_code == expected, username


def test_a_liaison_office_export_is_audited_in_the_county_log(login, world):
    _, before = _state(world, "wushan")
    office = login("wushan.yantai.admin")  # administrator of the office, with pii.reveal
    response = office.get(
        "/api/v1/laborers/export", params={"roster": "two_after", "reveal": "true"}
    )
    assert response.status_code == 200
    assert _state(world, "wushan")[1] == before + 1
