"""Casework pages through their forms: a new case, a note, an attachment (a wrong real
type refused in the form), a status step, the dispute board and the figures."""

from tests.fixtures.factories import laborer_payload
from tests.web.helpers import csrf_from, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + bytes(48)


def _post(client, path, data, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/cases/new").text)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def test_open_a_case_note_attach_and_resolve(client, login):
    laborer = login("wushan.staff").post("/api/v1/laborers", json=laborer_payload(name="刘小红"))
    assert laborer.status_code == 201
    sign_in(client, "wushan.yantai.staff")
    assert 'href="/cases"' in client.get("/").text
    bad = _post(client, "/cases/new", {"kind": "dispute", "summary": "x", "laborer_ids": ""})
    assert bad.status_code == 422 and "field-error" in bad.text
    created = _post(
        client,
        "/cases/new",
        {
            "kind": "dispute",
            "occurred_on": "2026-03-02",
            "summary": "拖欠工资两个月",
            "laborer_ids": laborer.json()["id"],
            "dispute_kind": "unpaid_wages",
            "employer_name": "某建筑劳务公司",
            "amount_disputed": "9000",
            "authority": "福山区劳动监察大队",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    page = client.get(url)
    assert page.status_code == 200 and "刘小红" in page.text and "某建筑劳务公司" in page.text
    note = _post(client, f"{url}/notes", {"body": "已约谈企业负责人", "author": "李主任"})
    assert note.status_code == 200 and "已约谈企业负责人" in note.text
    token = csrf_from(page.text)
    refused = client.post(
        f"{url}/attachments",
        data={"csrf_token": token},
        files={"file": ("photo.jpg", b"<html>not an image</html>", "image/jpeg")},
    )
    assert refused.status_code == 422 and "field-error" in refused.text
    stored = client.post(
        f"{url}/attachments",
        data={"csrf_token": token},
        files={"file": ("欠条.png", PNG, "image/png")},
    )
    assert stored.status_code == 200 and "欠条.png" in stored.text
    step = _post(
        client, f"{url}/update", {"version": "1", "status": "resolved", "amount_recovered": "9000"}
    )
    assert step.status_code == 200 and 'data-status="resolved"' in step.text
    board = client.get("/disputes")
    assert board.status_code == 200 and "刘小红" in board.text
    figures = client.get("/casework/figures", params={"year": 2026})
    assert figures.status_code == 200 and "9,000" in figures.text
    export = client.get("/casework/figures/export", params={"year": 2026})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    listing = client.get("/cases", params={"kind": "dispute"})
    assert listing.status_code == 200 and "拖欠工资两个月" in listing.text
