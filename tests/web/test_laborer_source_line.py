"""The laborer page says where the status came from and shows the current job (derived
from the placement: api/supply/derived.py)."""

from tests.fixtures.factories import laborer_payload, placement_payload
from tests.web.helpers import sign_in


def test_the_page_shows_the_current_job_and_the_source(client, login):
    wushan = login("wushan.staff")
    lab = wushan.post("/api/v1/laborers", json=laborer_payload()).json()
    placed = wushan.post("/api/v1/placements", json=placement_payload(lab["id"]))
    assert placed.status_code == 201, placed.text
    sign_in(client, "wushan.staff")
    page = client.get(f"/laborers/{lab['id']}")
    assert page.status_code == 200
    line = page.text[page.text.index('class="source"') :].split("</p>")[0]
    assert "2021年3月1日" in line  # the placement's start, as of which it holds
    assert "烟台某电子有限公司" in page.text and "烟台" in page.text
