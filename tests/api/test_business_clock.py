"""The business clock: at 23:30 UTC it is already tomorrow in Beijing, and every default,
check and job says so.

Frozen at 2026-12-06T23:30Z = 2026-12-07 07:30 in Asia/Shanghai: a server that read the
UTC day would answer 2026-12-06 in each of these.
"""

import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from api import clock
from shared_models import Vacancy
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload
from tests.web.helpers import sign_in

EDGE = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
BEIJING_DAY = date(2026, 12, 7)
SURVEY = {
    "surveyor": "向红梅",
    "employment_status": "unemployed",
    "employment_need": "none",
    "skill_level": "basic",
    "employment_difficulty": "none",
    "assistance_measure": "none",
}


@pytest.fixture
def at_the_edge():
    with time_machine.travel(EDGE, tick=False):
        yield


def test_today_is_the_bureaus_day_not_the_utc_day(at_the_edge):
    assert clock.today() == BEIJING_DAY
    assert clock.local(clock.now()).hour == 7
    assert clock.day_of(EDGE) == BEIJING_DAY
    start, end = clock.day_bounds(BEIJING_DAY)
    assert start == datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)


def test_the_time_zone_is_a_setting():
    try:
        clock.configure("UTC")
        with time_machine.travel(EDGE, tick=False):
            assert clock.today() == date(2026, 12, 6)
    finally:
        clock.configure(clock.DEFAULT_TIME_ZONE)


def test_an_unknown_time_zone_is_refused_in_one_line(monkeypatch):
    from api.settings import Settings

    with pytest.raises(
        ValueError, match="LB_TIME_ZONE 'Mars/Olympus' 不是 IANA 时区名 / is not an IANA time zone"
    ):
        Settings(time_zone="Mars/Olympus")


def test_date_checks_run_against_the_bureaus_day(login, at_the_edge):
    county = login("wushan.staff")
    laborer = county.post("/api/v1/laborers", json=laborer_payload()).json()
    url = f"/api/v1/laborers/{laborer['id']}/surveys"
    today = county.post(url, json={**SURVEY, "surveyed_on": "2026-12-07"})
    assert today.status_code == 201, today.text  # "today" in Beijing is not the future
    tomorrow = county.post(url, json={**SURVEY, "surveyed_on": "2026-12-08"})
    assert tomorrow.status_code == 422
    assert tomorrow.json()["errors"][0]["field"] == "surveyed_on"


def test_defaults_and_the_nightly_expiry_use_the_bureaus_day(login, world, cli, at_the_edge):
    bureau = login("yantai.staff")
    employer = bureau.post("/api/v1/employers", json=employer_payload()).json()
    payload = vacancy_payload(employer["id"])
    payload.pop("valid_from", None)
    fresh = bureau.post("/api/v1/vacancies", json=payload)
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["valid_from"] == "2026-12-07"  # the default start is today

    ended_yesterday = bureau.post(
        "/api/v1/vacancies",
        json=vacancy_payload(
            employer["id"], valid_from="2026-11-01", valid_until="2026-12-06", title="叉车工"
        ),
    ).json()
    ends_today = bureau.post(
        "/api/v1/vacancies",
        json=vacancy_payload(
            employer["id"], valid_from="2026-11-01", valid_until="2026-12-07", title="质检员"
        ),
    ).json()
    assert ended_yesterday["status"] == "expired"
    assert ends_today["status"] == "open"  # its last day is today in Beijing

    result = cli("vacancies", "expire")
    assert result.exit_code == 0, result.output
    with world.superuser_session() as session:
        status = dict(
            session.execute(
                select(Vacancy.id, Vacancy.status).where(
                    Vacancy.title.in_(["叉车工", "质检员"]),
                    Vacancy.employer_id == uuid.UUID(employer["id"]),
                )
            ).all()
        )
    assert {str(k): str(v) for k, v in status.items()} == {
        ended_yesterday["id"]: "expired",
        ends_today["id"]: "open",
    }

    evaluated = cli("warnings", "evaluate")
    assert evaluated.exit_code == 0, evaluated.output
    assert "as of 2026-12-07" in evaluated.output


def test_pages_default_to_and_show_the_bureaus_day(world, login, at_the_edge):
    office = world.client()
    assert sign_in(office, "wushan.yantai.staff").status_code == 303
    form = office.get("/cases/new")
    assert form.status_code == 200
    assert 'value="2026-12-07"' in form.text  # the case date defaults to today in Beijing

    registered = login("wushan.admin").post("/api/v1/laborers", json=laborer_payload())
    assert registered.status_code == 201, registered.text
    admin = world.client()
    assert sign_in(admin, "wushan.admin").status_code == 303
    audit = admin.get("/admin/audit")
    assert audit.status_code == 200
    # The registration just recorded happened at 07:30 Beijing time, shown so (not 23:30).
    assert "2026/12/7 07:30" in audit.text
    assert "23:30" not in audit.text
