"""The laborer's timeline page: the county's full view with tabs and kind filters, the
employer's bureau's masked view, 404 for outsiders."""

from tests.api.test_timeline import NAME, _hired_worker
from tests.web.helpers import sign_in


def test_the_county_reads_the_timeline_and_filters_it_by_kind(client, login):
    laborer = _hired_worker(login)
    sign_in(client, "wushan.staff")
    record = client.get(f"/laborers/{laborer['id']}")
    assert f'href="/laborers/{laborer["id"]}/timeline"' in record.text  # the tab
    page = client.get(f"/laborers/{laborer['id']}/timeline")
    assert page.status_code == 200
    assert NAME in page.text and 'id="timeline"' in page.text
    assert "已入职" in page.text and "家中有老人需照顾" in page.text
    only_cases = client.get(f"/laborers/{laborer['id']}/timeline?kind=case")
    assert only_cases.text.count('class="timeline-case"') == 2
    assert 'class="timeline-referral"' not in only_cases.text
    wrong = client.get(f"/laborers/{laborer['id']}/timeline?kind=nonsense")
    assert wrong.status_code == 422


def test_the_employers_bureau_sees_a_masked_page_and_outsiders_nothing(client, login):
    laborer = _hired_worker(login)
    sign_in(client, "yantai.staff")
    # Reached from the referral board, where the candidate's masked name links here.
    assert f'href="/laborers/{laborer["id"]}/timeline"' in client.get("/referrals").text
    page = client.get(f"/laborers/{laborer['id']}/timeline")
    assert page.status_code == 200
    assert "谭*燕" in page.text and NAME not in page.text
    assert "家中有老人需照顾" not in page.text and 'class="timeline-survey"' not in page.text
    assert f'href="/laborers/{laborer["id"]}"' not in page.text  # no laborer pages to link
    sign_in(client, "kaizhou.staff")
    assert client.get(f"/laborers/{laborer['id']}/timeline").status_code == 404
