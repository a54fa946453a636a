"""A small form inside a detail page, refused by its service, sends the browser back to
that page with the reason shown once, not to a dead-end error page."""

from tests.web.helpers import csrf_from, sign_in
from tests.web.test_fair_pages import _plan
from web import alerts


def test_a_refused_step_returns_to_its_page_with_the_reason_once(client):
    sign_in(client, "wushan.staff")
    client.cookies.set("lb_lang", "en")
    fair_id = _plan(client)  # published, version 2
    page_url = f"/fairs/{fair_id}"
    page = client.get(page_url)
    token = csrf_from(page.text)
    # Published → finished skips "ongoing": the service refuses it.
    refused = client.post(
        f"/fairs/{fair_id}/status",
        data={"csrf_token": token, "status": "finished", "version": "2"},
        headers={"Referer": f"http://testserver{page_url}?tab=results"},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    assert refused.headers["location"] == f"{page_url}?tab=results"
    shown = client.get(refused.headers["location"])
    assert shown.status_code == 200
    alert = shown.text.split('id="alert">')[1].split("</p>")[0]
    assert alert == "A fair that is Published cannot become Finished.", alert
    assert 'id="alert"' not in client.get(page_url).text  # once
    # Nothing was written: the fair is still published.
    assert "<mark>Published</mark>" in shown.text


def test_without_a_page_to_return_to_the_error_page_stays(client):
    sign_in(client, "wushan.staff")
    fair_id = _plan(client)
    token = csrf_from(client.get(f"/fairs/{fair_id}").text)
    data = {"csrf_token": token, "status": "finished", "version": "2"}
    for referer in (
        None,
        "https://elsewhere.example/fairs",
        f"http://testserver/api/v1/fairs/{fair_id}",
    ):
        headers = {"Referer": referer} if referer else {}
        response = client.post(f"/fairs/{fair_id}/status", data=data, headers=headers)
        assert response.status_code == 409, referer
        assert 'id="alert"' not in response.text


def test_a_forged_alert_is_not_shown(client):
    sign_in(client, "wushan.staff")
    client.cookies.set(alerts.COOKIE, "5Lya6YCg.0123456789abcdef0123456789abcdef")
    assert 'id="alert"' not in client.get("/fairs").text
