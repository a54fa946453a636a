"""The job handbook: households of a village, each with its best open vacancies."""

import re

from api.handbook.service import PER_HOUSEHOLD
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload
from tests.web.helpers import sign_in


def _household(login, village: str):  # type: ignore[no-untyped-def]
    """A household of three in a village of its own: a welder, his wife (no skill) and
    their son at school."""
    wushan = login("wushan.staff")
    people = [
        laborer_payload(name="向大山", household_head="向大山", village=village),
        laborer_payload(
            name="李春梅",
            household_head="向大山",
            village=village,
            skills=[],
            preferred_cities=["潍坊"],
            poverty_status="none",
        ),
        laborer_payload(
            name="向小川",
            household_head="向大山",
            village=village,
            employment_status="student",
            employment_need="none",
        ),
        laborer_payload(name="谭独居", household_head=None, village=village, skills=[]),
    ]
    for payload in people:
        response = wushan.post("/api/v1/laborers", json=payload)
        assert response.status_code == 201, response.text


def _welding_vacancy(login, title: str) -> None:  # type: ignore[no-untyped-def]
    yantai = login("yantai.staff")
    employer = yantai.post("/api/v1/employers", json=employer_payload()).json()
    response = yantai.post("/api/v1/vacancies", json=vacancy_payload(employer["id"], title=title))
    assert response.status_code == 201, response.text


def test_a_village_handbook_groups_households_and_suggests_jobs(client, login):
    _household(login, "手册测试村")
    _welding_vacancy(login, "手册测试电焊工")
    sign_in(client, "wushan.staff")
    client.cookies.set("lb_lang", "en")  # the screen in English: the handbook stays Chinese
    choose = client.get("/handbook")
    assert choose.status_code == 200 and 'name="village"' in choose.text
    book = client.get("/handbook", params={"make": "true", "village": "手册测试村"})
    assert book.status_code == 200
    assert "巫山县人社局手册测试村岗位对接服务手册" in book.text
    sections = re.findall(r'<section class="household".*?</section>', book.text, re.S)
    assert len(sections) == 2  # 向大山's family, and 谭独居 on their own
    family = next(s for s in sections if "户主 向大山" in s)
    assert "李春梅" in family and "向小川" in family
    assert "手册测试电焊工" in family
    rows = re.findall(r"<tr>\s*<td>", family)
    assert 1 <= len(rows) <= PER_HOUSEHOLD
    # The welding job is suggested for the welder, the member it suits best.
    welding_row = re.search(r"手册测试电焊工.*?</tr>", family, re.S).group(0)
    assert "<td>向大山</td>" in welding_row
    assert "<td>向小川</td>" not in family  # at school: not a job seeker
    alone = next(s for s in sections if "户主 谭独居" in s)
    assert "谭独居" in alone
    assert "共 2 户 4 人，其中求职 3 人" in book.text


def test_a_receiving_bureau_gets_no_handbook(client):
    sign_in(client, "yantai.staff")
    response = client.get("/handbook", params={"make": "true"})
    assert response.status_code == 404  # not its house (web/houses.py)


def test_a_whole_county_handbook_is_made_in_the_background(client, login):
    """No township or village: the worker makes the book, the job page shows it ready,
    and the result opens as the same printable handbook, its creator's alone."""
    from tests.fixtures.jobs import job_path, wait_for_job
    from tests.web.helpers import csrf_from

    _household(login, "后台手册村")
    _welding_vacancy(login, "后台手册电焊工")
    sign_in(client, "wushan.staff")
    choose = client.get("/handbook")
    assert 'action="/handbook/jobs"' in choose.text
    queued = client.post(
        "/handbook/jobs",
        data={"csrf_token": csrf_from(choose.text), "roster": "all"},
        follow_redirects=False,
    )
    path = job_path(queued)
    done = wait_for_job(client, path)
    assert 'data-status="succeeded"' in done.text
    message = re.search(r'id="job-message">([^<]+)<', done.text).group(1)
    assert f'href="{path}/result"' in done.text
    book = client.get(f"{path}/result")
    assert book.status_code == 200 and book.headers["content-type"].startswith("text/html")
    assert book.headers["content-disposition"].startswith("inline")
    assert "巫山县人社局岗位对接服务手册" in book.text
    family = next(
        s
        for s in re.findall(r'<section class="household".*?</section>', book.text, re.S)
        if "后台手册村 · 户主 向大山" in s
    )
    assert "后台手册电焊工" in family
    total = len(re.findall(r'<section class="household"', book.text))
    people = re.search(rf"共 {total} 户 (\d+) 人", book.text).group(1)
    assert message in (
        f"手册共 {total} 户 {people} 人。",
        f"The handbook holds {total} households and {people} people.",
    )
    assert "/static/handbook.css" in book.text  # styled and printable from the app's origin
    sign_in(client, "wushan.admin")
    assert client.get(f"{path}/result").status_code == 404
