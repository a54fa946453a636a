"""Background jobs from the pages: a verification list checked and saved by the worker,
its unmatched rows returned in the workbook; a job is its creator's alone."""

import io
import re

import python_calamine

from api.jobs.workbook import REASON_HEADER
from tests.fixtures.factories import laborer_payload, placement_payload
from tests.fixtures.jobs import job_path, wait_for_job
from tests.fixtures.ledgers import xlsx
from tests.web.helpers import csrf_from, sign_in

HEADERS = ["身份证号码", "姓名", "核实月份"]


def test_a_verification_list_runs_in_the_background(client, login):
    staff = login("wushan.staff")
    payload = laborer_payload(name="冉秀兰")
    laborer = staff.post("/api/v1/laborers", json=payload).json()
    placed = staff.post("/api/v1/placements", json=placement_payload(laborer["id"]))
    assert placed.status_code == 201, placed.text
    stranger = laborer_payload()["id_number"]
    listing = xlsx(
        [
            {"身份证号码": payload["id_number"], "姓名": "冉秀兰", "核实月份": "2021-04"},
            {"身份证号码": stranger, "姓名": "路人甲", "核实月份": "2021-04"},
        ],
        headers=HEADERS,
    )
    sign_in(client, "wushan.staff")
    sheet = client.get("/verifications?month=2021-04")
    queued = client.post(
        "/verifications/import",
        data={"csrf_token": csrf_from(sheet.text), "month": "2021-04", "source": "payroll"},
        files={"file": ("工资名单.xlsx", listing)},
        follow_redirects=False,
    )
    path = job_path(queued)
    done = wait_for_job(client, path)
    assert 'data-status="succeeded"' in done.text
    message = re.search(r'id="job-message">([^<]+)<', done.text).group(1)
    assert message in ("已保存 1 行；1 行未匹配。", "1 rows saved; 1 not matched.")
    assert 'href="/verifications?month=2021-04"' in done.text
    download = client.get(f"{path}/result")
    assert download.status_code == 200
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(download.content))
    table = book.get_sheet_by_index(0).to_python()
    reason = table[0].index(REASON_HEADER)
    assert table[1][reason] == "" and table[2][reason]  # the stranger is not registered
    months = staff.get(f"/api/v1/placements/{placed.json()['id']}/verifications").json()
    assert [v["month"] for v in months] == ["2021-04-01"]
    # Another member of the county does not see the job or its result.
    sign_in(client, "wushan.admin")
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/result").status_code == 404
