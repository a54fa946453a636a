"""The visit queue through its forms: a refused visit (no findings, stale version),
acknowledging, and a queue the receiving bureau cannot work."""

from tests.api.test_warnings import _flagged
from tests.web.helpers import csrf_from, sign_in


def test_the_queue_refuses_a_bad_visit_and_acknowledges(world, client, login):
    laborer, flag = _flagged(world, login)
    sign_in(client, "wushan.yantai.staff")
    assert 'href="/warnings/queue"' in client.get("/").text
    queue = client.get("/warnings/queue")
    assert queue.status_code == 200 and "预警人" in queue.text
    assert f'data-laborer="{laborer["id"]}"' in queue.text
    token = csrf_from(queue.text)
    url, version = f"/warnings/{flag['id']}", str(flag["version"])
    empty = client.post(
        f"{url}/visit",
        data={"csrf_token": token, "version": version, "occurred_on": "2026-06-01", "summary": ""},
    )
    assert empty.status_code == 422 and "field-error" in empty.text
    stale = client.post(
        f"{url}/visit",
        data={"csrf_token": token, "version": "9", "occurred_on": "2026-06-01", "summary": "x"},
    )
    assert stale.status_code == 409
    acked = client.post(
        f"{url}/acknowledge", data={"csrf_token": token, "version": version}, follow_redirects=False
    )
    assert acked.status_code == 303
    assert login("wushan.yantai.staff").get(f"/api/v1{url}").json()["status"] == "acknowledged"


def test_the_receiving_bureau_sees_no_queue(world, client, login):
    _flagged(world, login)
    sign_in(client, "yantai.admin")
    queue = client.get("/warnings/queue")
    assert queue.status_code == 404  # not its house: no empty queue
    assert 'href="/warnings/queue"' not in client.get("/").text
