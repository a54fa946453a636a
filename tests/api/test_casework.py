"""Liaison-office casework over the JSON API: who sees which case, the employer's
bureau's masked view of disputes, status steps and notes, attachment checks, figures."""

import random
from datetime import date

from sqlalchemy import func, select

from api import clock
from api.spreadsheets.reader import read_table
from shared_models import CaseAttachment
from tests.fixtures.factories import employer_payload, laborer_payload
from tests.fixtures.world import ApiUser

OFFICE = "wushan.yantai.staff"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ok(response, expect=201):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def _laborer(login, name="王大山"):  # type: ignore[no-untyped-def]
    return _ok(login("wushan.staff").post("/api/v1/laborers", json=laborer_payload(name=name)))


def visit(laborer_ids, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "kind": "visit",
        "occurred_on": "2026-01-20",
        "summary": "春节前走访慰问",
        "place": "烟台市福山区某电子厂宿舍",
        "laborer_ids": laborer_ids,
        "aid_amount": 500,
        "details": {"visitors": "李主任、张干事", "findings": "工作稳定", "gifts": "米、油"},
    }
    return body | overrides


def dispute(laborer_ids, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "kind": "dispute",
        "occurred_on": "2026-03-02",
        "summary": "拖欠三个月工资",
        "laborer_ids": laborer_ids,
        "dispute_kind": "unpaid_wages",
        "amount_disputed": 18000,
        "authority": "福山区劳动保障监察大队",
        "deadline": "2026-04-30",
    }
    return body | overrides


def test_an_office_keeps_its_cases_and_its_county_reads_them(login):
    laborer = _laborer(login)
    office = login(OFFICE)
    case = _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))
    assert (case["status"], case["masked"], case["laborers"][0]["name"]) == (
        "open",
        False,
        "王大山",
    )
    assert case["details"]["gifts"] == "米、油"
    url = f"/api/v1/cases/{case['id']}"
    county = login("wushan.admin")
    assert _ok(county.get(url), 200)["summary"] == "春节前走访慰问"
    assert [c["id"] for c in _ok(county.get("/api/v1/cases"), 200)["items"]] == [case["id"]]
    # It reads, but the case is the office's to change.
    assert county.patch(url, json={"version": 1, "status": "closed"}).status_code == 403
    assert county.post("/api/v1/cases", json=visit([laborer["id"]])).status_code == 403
    for outsider in ("kaizhou.weifang.admin", "kaizhou.admin", "weifang.admin", "yantai.admin"):
        user = login(outsider)
        assert user.get(url).status_code == 404, outsider
        assert user.get(f"{url}/notes").status_code == 404, outsider
        assert _ok(user.get("/api/v1/cases"), 200)["total"] == 0, outsider
    # Another county's office cannot open a case on this county's laborer.
    other = login("kaizhou.weifang.admin").post("/api/v1/cases", json=visit([laborer["id"]]))
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "laborer_not_found"


def test_the_employers_bureau_sees_only_its_disputes_masked(login):
    laborer = _laborer(login, name="张秀英")
    yantai = login("yantai.staff")
    employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
    office = login(OFFICE)
    own = _ok(
        office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_id=employer["id"]))
    )
    assert (own["employer_name"], own["employer_id"]) == (employer["name"], employer["id"])
    off_pool = _ok(
        office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_name="某建筑队"))
    )
    _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))
    _ok(office.post(f"/api/v1/cases/{own['id']}/notes", json={"body": "已陪同到监察大队"}))
    _ok(
        office.post(
            f"/api/v1/cases/{own['id']}/attachments",
            files={"file": ("欠条.png", PNG, "image/png")},
        )
    )
    bureau = login("yantai.admin")
    listing = _ok(bureau.get("/api/v1/cases"), 200)
    assert [c["id"] for c in listing["items"]] == [own["id"]]
    seen = _ok(bureau.get(f"/api/v1/cases/{own['id']}"), 200)
    assert seen["masked"] is True
    assert seen["laborers"] == [{"laborer_id": None, "name": "张*英"}]
    assert (seen["summary"], seen["details"]) == (None, {})
    assert (seen["amount_disputed"], seen["employer_name"]) == (18000, employer["name"])
    assert bureau.get(f"/api/v1/cases/{off_pool['id']}").status_code == 404
    assert bureau.get(f"/api/v1/cases/{own['id']}/notes").status_code == 403
    attachments = _ok(office.get(f"/api/v1/cases/{own['id']}/attachments"), 200)
    download = f"/api/v1/cases/{own['id']}/attachments/{attachments[0]['id']}"
    assert bureau.get(download).status_code == 404
    assert bureau.patch(f"/api/v1/cases/{own['id']}", json={"version": 1}).status_code == 403
    # The unpaired receiving bureau sees nothing of it.
    assert login("weifang.admin").get(f"/api/v1/cases/{own['id']}").status_code == 404


def test_status_steps_notes_and_kind_rules(login):
    laborer = _laborer(login)
    office = login(OFFICE)
    case = _ok(
        office.post("/api/v1/cases", json=dispute([laborer["id"]], dispute_kind="work_injury"))
    )
    url = f"/api/v1/cases/{case['id']}"
    step = _ok(office.patch(url, json={"version": 1, "status": "in_progress"}), 200)
    assert (step["status"], step["version"], step["closed_on"]) == ("in_progress", 2, None)
    assert office.patch(url, json={"version": 1, "status": "resolved"}).status_code == 409
    done = _ok(
        office.patch(
            url,
            json={
                "version": 2,
                "status": "resolved",
                "amount_recovered": 12000,
                "outcome": "伤残十级，已获赔偿",
            },
        ),
        200,
    )
    assert (done["status"], done["closed_on"]) == ("resolved", clock.today().isoformat())
    back = office.patch(url, json={"version": 3, "status": "in_progress"})
    assert back.status_code == 409 and back.json()["type"] == "/problems/invalid-transition"
    closed = _ok(office.patch(url, json={"version": 3, "status": "closed"}), 200)
    assert (
        office.patch(url, json={"version": closed["version"], "status": "open"}).status_code == 409
    )
    _ok(
        office.post(
            f"{url}/notes",
            json={"body": "提交工伤认定申请", "written_on": "2026-03-05", "author": "李主任"},
        )
    )
    _ok(office.post(f"{url}/notes", json={"body": "鉴定结论：十级", "written_on": "2026-03-01"}))
    future = office.post(f"{url}/notes", json={"body": "x", "written_on": "2999-01-01"})
    assert future.status_code == 422
    notes = _ok(office.get(f"{url}/notes"), 200)
    assert [n["written_on"] for n in notes] == ["2026-03-01", "2026-03-05"]
    assert notes[1]["author"] == "李主任" and notes[0]["author"] == OFFICE
    assert _ok(login("wushan.admin").get(f"{url}/notes"), 200) == notes
    # What each kind must and may carry.
    for body, field in (
        (dispute([laborer["id"]], dispute_kind=None), "dispute_kind"),
        (visit([laborer["id"]], amount_disputed=100), "amount_disputed"),
        (visit([laborer["id"]], details={"cause": "x"}), "details"),
        (visit([laborer["id"]], occurred_on="2999-01-01"), "occurred_on"),
    ):
        response = office.post("/api/v1/cases", json=body)
        assert response.status_code == 422, body
        assert field in {e["field"] for e in response.json()["errors"]}
    kinds = _ok(office.get("/api/v1/cases", params={"kind": "dispute", "status": "closed"}), 200)
    assert [c["id"] for c in kinds["items"]] == [case["id"]]
    mine = _ok(office.get("/api/v1/cases", params={"laborer_id": laborer["id"]}), 200)
    assert mine["total"] == 1


def _stored_files(world) -> list:  # type: ignore[no-untyped-def]
    root = world.settings.attachment_root
    return sorted(root.rglob("*")) if root.exists() else []


def _attachment_rows(world) -> int:
    with world.superuser_session() as session:
        return session.scalar(select(func.count()).select_from(CaseAttachment)) or 0


def test_attachments_are_checked_by_content_and_stored_sealed(world, login):
    laborer = _laborer(login)
    office = login(OFFICE)
    case = _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))
    url = f"/api/v1/cases/{case['id']}/attachments"
    refused = [
        (("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"), 422),
        (("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), 422),
        (("../../etc/passwd.png", PNG, "image/png"), 422),
        (("/var/evil.png", PNG, "image/png"), 422),
        (("..\\..\\windows.png", PNG, "image/png"), 422),
        (("C:evil.png", PNG, "image/png"), 422),
        (("empty.png", b"", "image/png"), 422),
    ]
    for file, expect in refused:
        response = office.post(url, files={"file": file})
        assert response.status_code == expect, (file[0], response.text)
        assert response.json()["errors"][0]["field"] == "file"
    # httpx escapes a NUL in a file name; a hand-made body carries it as it is.
    boundary = "lbtestboundary"
    raw = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bad\x00.png"'
            "\r\nContent-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    nul = office.post(
        url, content=raw, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert nul.status_code == 422, nul.text
    small = ApiUser(world.client(max_attachment_bytes=2048), OFFICE)
    big = small.post(url, files={"file": ("big.pdf", PDF + bytes(4096), "application/pdf")})
    assert big.status_code == 413, big.text
    assert _stored_files(world) == [] and _attachment_rows(world) == 0
    # The county reads but does not add.
    county = login("wushan.admin")
    assert county.post(url, files={"file": ("a.png", PNG, "image/png")}).status_code == 403
    assert _stored_files(world) == [] and _attachment_rows(world) == 0

    note = _ok(office.post(f"/api/v1/cases/{case['id']}/notes", json={"body": "附走访照片"}))
    # A real PDF named .jpg is stored as the PDF it is, under its own id.
    row = _ok(
        office.post(
            url,
            files={"file": ("  .走访记录.jpg", PDF, "image/jpeg")},
            data={"note_id": note["id"]},
        )
    )
    assert (row["display_name"], row["content_type"]) == ("走访记录.pdf", "application/pdf")
    assert row["note_id"] == note["id"]
    [stored] = _stored_files(world)
    assert stored.name == f"{row['id']}.bin"
    assert PDF not in stored.read_bytes()  # sealed at rest
    for user in (office, county):
        response = user.get(f"{url}/{row['id']}")
        assert response.status_code == 200
        assert response.content == PDF
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"].startswith(
            "attachment; filename=attachment.pdf;"
        )
    assert [a["id"] for a in _ok(county.get(url), 200)] == [row["id"]]
    assert login("kaizhou.weifang.admin").get(f"{url}/{row['id']}").status_code == 404
    other_case = _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))
    wrong = f"/api/v1/cases/{other_case['id']}/attachments/{row['id']}"
    assert office.get(wrong).status_code == 404


def test_figures_equal_a_hand_count(world, login):
    rng = random.Random(7)
    laborers = [_laborer(login, name=f"测试{n}")["id"] for n in "甲乙丙丁戊己"]
    office = login(OFFICE)
    made = []
    for _n in range(40):
        kind = rng.choice(["visit", "hardship_aid", "onboarding", "dispute"])
        month = rng.randint(1, 12)
        year = rng.choice([2025, 2025, 2025, 2024])
        people = rng.sample(laborers, rng.randint(1, 3))
        body = {
            "kind": kind,
            "occurred_on": date(year, month, rng.randint(1, 28)).isoformat(),
            "summary": "生成",
            "laborer_ids": people,
        }
        if kind in ("visit", "hardship_aid"):
            body["aid_amount"] = rng.randint(0, 5) * 100
        if kind == "dispute":
            body["dispute_kind"] = rng.choice(["unpaid_wages", "work_injury", "contract", "other"])
            body["amount_disputed"] = rng.randint(1, 50) * 1000
            body["amount_recovered"] = rng.randint(0, 10) * 1000
        case = _ok(office.post("/api/v1/cases", json=body))
        status = rng.choice(["open", "resolved", "closed", "in_progress"])
        if status != "open":
            case = _ok(
                office.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "status": status}),
                200,
            )
        made.append((body, case["status"]))

    def hand(month: int | None) -> dict:
        rows = [
            (b, s)
            for b, s in made
            if b["occurred_on"].startswith("2025")
            and (month is None or int(b["occurred_on"][5:7]) == month)
        ]
        disputes = [b for b, _s in rows if b["kind"] == "dispute"]
        return {
            "visits": sum(b["kind"] == "visit" for b, _s in rows),
            "visit_aid": sum(b.get("aid_amount", 0) for b, _s in rows if b["kind"] == "visit"),
            "people_helped": len({p for b, _s in rows for p in b["laborer_ids"]}),
            "hardship_cases": sum(b["kind"] == "hardship_aid" for b, _s in rows),
            "hardship_aid_paid": sum(
                b["aid_amount"]
                for b, s in rows
                if b["kind"] == "hardship_aid" and s in ("resolved", "closed")
            ),
            "onboarding": sum(b["kind"] == "onboarding" for b, _s in rows),
            "disputes": {
                k: sum(b["dispute_kind"] == k for b in disputes)
                for k in ("unpaid_wages", "work_injury", "contract", "other")
            },
            "disputes_total": len(disputes),
            "disputes_settled": sum(
                1 for b, s in rows if b["kind"] == "dispute" and s == "resolved"
            ),
            "amount_disputed": sum(b["amount_disputed"] for b in disputes),
            "amount_recovered": sum(b["amount_recovered"] for b in disputes),
        }

    report = _ok(office.get("/api/v1/casework/figures", params={"year": 2025}), 200)
    assert {k: v for k, v in report["total"].items() if k != "month"} == hand(None)
    assert len(report["months"]) == 12
    for figures in report["months"]:
        assert {k: v for k, v in figures.items() if k != "month"} == hand(figures["month"])
    one = _ok(office.get("/api/v1/casework/figures", params={"year": 2025, "month": 3}), 200)
    assert [m["month"] for m in one["months"]] == [3]
    assert {k: v for k, v in one["total"].items() if k != "month"} == hand(3)
    # The county sees the same figures; another county's office sees none.
    county = _ok(login("wushan.admin").get("/api/v1/casework/figures", params={"year": 2025}), 200)
    assert county["total"] == report["total"]
    other = login("kaizhou.weifang.admin").get("/api/v1/casework/figures", params={"year": 2025})
    assert _ok(other, 200)["total"]["visits"] == 0
    export = office.get("/api/v1/casework/figures/export", params={"year": 2025})
    assert export.status_code == 200
    table = read_table(export.content, "figures.xlsx")
    assert table.headers[0] == "月份"
    last = [cells for _number, cells in table.rows][-1]
    assert last[0] == "合计"
    assert int(last[1]) == hand(None)["visits"]
    assert int(last[14]) == hand(None)["amount_recovered"]
