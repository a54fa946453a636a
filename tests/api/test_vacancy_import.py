"""The vacancy list (岗位信息汇总表) import: row-level preview, all or nothing, round trip."""

import io
from datetime import timedelta

import python_calamine

from api import clock
from api.demand.ledger import COLUMNS
from tests.fixtures.factories import credit_code
from tests.fixtures.ledgers import xlsx

HEADERS = [c.header for c in COLUMNS if not c.derived]


def vacancy_row(**overrides):
    row = {
        "企业名称": "烟台紫建电子科技有限公司",
        "统一社会信用代码": credit_code(),
        "所属行业": "电子",
        "企业标签": "就业扶贫基地",
        "企业规模": "300-999人",
        "岗位名称": "电子装配工",
        "工种": "电子设备装接工(6-25-04-07)",
        "招聘人数": 30,
        "月薪下限（元）": 4500,
        "月薪上限（元）": 6500,
        "工作地区划代码": "370602",
        "年龄下限": 18,
        "年龄上限": 45,
        "学历要求": "初中",
        "技能要求": "电子装配;焊锡",
        "入职门槛": "低门槛",
        "包住": "是",
        "包吃": "是",
        "五险": "是",
        "有效期止": clock.today() + timedelta(days=90),
        "联系人": "王经理",
        "联系电话": "05356688001",
    }
    row.update(overrides)
    return row


def _upload(user, content, dry_run=True):
    return user.post(
        "/api/v1/vacancies/import",
        files={"file": ("岗位信息汇总表.xlsx", content)},
        data={"dry_run": "true" if dry_run else "false"},
    )


def _pool_titles(user):
    items = user.get("/api/v1/vacancies", params={"page_size": 200, "open_only": "false"}).json()
    return {v["title"] for v in items["items"]}


def test_bad_rows_are_reported_and_nothing_is_saved(login):
    yantai = login("yantai.staff")
    before = _pool_titles(yantai)
    code = credit_code()
    rows = [
        vacancy_row(岗位名称="好岗位A"),
        vacancy_row(岗位名称="好岗位B", 统一社会信用代码=code),
        vacancy_row(统一社会信用代码=code[:-1] + ("0" if code[-1] != "0" else "1")),  # checksum
        vacancy_row(**{"月薪下限（元）": 8000, "月薪上限（元）": 5000}),
        vacancy_row(招聘人数="三十"),
        vacancy_row(学历要求="博士后"),
        vacancy_row(岗位名称="好岗位B", 统一社会信用代码=code),  # twice in the file
        vacancy_row(企业名称="另一家公司", 统一社会信用代码=code),
    ]
    response = _upload(yantai, xlsx(rows, headers=HEADERS), dry_run=False)
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["type"], body["status"]) == ("/problems/import-rejected", 422)
    assert body["import_status"] == "rejected"
    found = {(e["row"], e["column"], e["code"]) for e in body["errors"]}
    assert found == {
        (4, "统一社会信用代码", "credit_code_checksum"),
        (5, "月薪上限（元）", "wage_order"),
        (6, "招聘人数", "int_parsing"),
        (7, "学历要求", "unknown_value"),
        (8, "岗位名称", "duplicate_in_file"),
        (9, "企业名称", "credit_code_other_name"),
    }
    assert _pool_titles(yantai) == before  # not even the good rows


def test_preview_then_commit_registers_employers_and_vacancies(login):
    yantai = login("yantai.staff")
    code = credit_code()
    rows = [
        vacancy_row(统一社会信用代码=code, 岗位名称="电子装配工"),
        vacancy_row(统一社会信用代码=code, 岗位名称="来料质检员", 工种="质检员", 入职门槛="需技能"),
        vacancy_row(
            企业名称="重庆勇华鞋业烟台分厂",
            统一社会信用代码=credit_code(),
            所属行业="制造业",
            企业标签="扶贫车间;示范车间",
            岗位名称="胶鞋成型工",
            工种="制鞋工",
            工作地区划代码="370687",
            学历要求="",
            入职门槛="无门槛",
        ),
    ]
    preview = _upload(yantai, xlsx(rows, headers=HEADERS))
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["status"], body["new"], body["new_employers"]) == ("previewed", 3, 2)
    assert "来料质检员" not in _pool_titles(yantai)

    committed = yantai.post(f"/api/v1/vacancies/import/{body['import_id']}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed"
    assert {"电子装配工", "来料质检员", "胶鞋成型工"} <= _pool_titles(yantai)
    again = yantai.post(f"/api/v1/vacancies/import/{body['import_id']}/commit")
    assert again.status_code == 409

    employers = yantai.get("/api/v1/employers", params={"q": code}).json()["items"]
    assert len(employers) == 1 and employers[0]["open_vacancies"] == 2
    assert employers[0]["is_employment_base"] is True
    shoes = yantai.get("/api/v1/vacancies", params={"q": "胶鞋"}).json()["items"][0]
    assert shoes["city"] == "烟台" and shoes["threshold"] == "none"
    # The other bureau of the pairing sees them in the pool.
    assert "胶鞋成型工" in _pool_titles(login("wushan.staff"))


def test_export_reimports_unchanged_and_changes_update(login):
    yantai = login("yantai.staff")
    code = credit_code()
    rows = [vacancy_row(统一社会信用代码=code, 岗位名称=f"岗位{i}") for i in range(5)]
    assert _upload(yantai, xlsx(rows, headers=HEADERS), dry_run=False).status_code == 200
    employer = yantai.get("/api/v1/employers", params={"q": code}).json()["items"][0]

    exported = yantai.get("/api/v1/vacancies/export", params={"employer": employer["id"]})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
    sheet = book.get_sheet_by_index(0).to_python()
    assert sheet[0] == [c.header for c in COLUMNS]
    assert len(sheet) == 6

    same = _upload(yantai, exported.content).json()
    assert (same["new"], same["updated"], same["unchanged"]) == (0, 0, 5), same

    rows[0]["招聘人数"] = 50
    rows.append(vacancy_row(统一社会信用代码=code, 岗位名称="新岗位"))
    changed = _upload(yantai, xlsx(rows, headers=HEADERS)).json()
    assert (changed["new"], changed["updated"], changed["unchanged"]) == (1, 1, 4), changed


def test_template_and_wrong_files(login):
    yantai = login("yantai.staff")
    template = yantai.get("/api/v1/vacancies/import/template")
    assert template.status_code == 200
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template.content))
    assert book.sheet_names == ["岗位信息汇总表", "填写说明"]
    missing = _upload(yantai, xlsx([{"企业名称": "某公司"}], headers=["企业名称"]))
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["code"] == "missing_columns"
    junk = _upload(yantai, b"not a spreadsheet")
    assert junk.status_code == 422
    assert junk.json()["errors"][0]["field"] == "file"
    # A liaison office does not post vacancies.
    office = login("wushan.yantai.staff")
    refused = _upload(office, xlsx([vacancy_row()], headers=HEADERS))
    assert refused.status_code == 403
