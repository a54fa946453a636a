"""Indicators computed from the records (issue 13): a small county's month of work, with
events inside and outside March 2025, and each indicator's change equal to a count
written by hand. The seeded demo has its own records, so every figure is read before and
after, and the difference is what is asserted.

By hand (household in 巫山 500237; 烟台 370602 is outside the city, 万州 500101 in it):
  registered 2024-08-01: L1 woman, lifted, 两后生; L2; L3 monitored; L4 woman; L5
  registered 2025-04-10 (after March): L6 woman, lifted, placed in April
  L1  placed 2025-03-05 in 烟台, organized, still there        transfer; employed at the end
  L2  2024-09-01..09-15 (its 6th month falls on 1 March: gone), then 2025-03-10..03-20
      self-found                                              transfer; not employed at end
  L3  2024-09-20 at a workshop at home, still there            6 months on 20 March, in post
  L4  2024-12-15..2025-03-31 in 万州                           3 months on 15 March, in post;
                                                              employed on the last day
  L5  2024-12-10..2025-03-01, then hired at the 15 March fair  3 months on 10 March: gone;
                                                              a transfer (organized), employed
  A course starting 3 March: L2 and L5, L2 completes on 14 March (in work from 10 March).
  A course starting 5 April: L4 (not counted).
  The fair of 15 March: L1, L4, L5 registered, L4 and L5 came, L5 agreed, referred, hired.
  A draft fair on 20 March (not held). Vacancies open in March: the fair's and one more.
  A welfare visit on 10 March, another on 2 April.
"""

from datetime import date, datetime, time

import pytest
import time_machine

from api import clock
from api.access import county_system_access
from api.db import apply_access
from api.oversight import service
from api.oversight.indicators import BUILT_IN, BY_CODE
from shared_models import Pairing, PairingTarget
from tests.api.test_fairs import fair_payload
from tests.fixtures.factories import employer_payload, id_number, laborer_payload, vacancy_payload
from tests.fixtures.jobs import wait_for_queued_jobs

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
TOWNSHIP = "统计测试镇"
EXPECTED = {
    "registered": 5,
    "registered_poverty": 2,
    "registered_female": 2,
    "registered_two_after": 1,
    "employed": 4,
    "employed_in_district": 1,
    "employed_in_city": 1,
    "employed_out_of_city": 2,
    "transfers": 3,
    "transfers_organized": 2,
    "transfers_poverty": 1,
    "trained": 2,
    "training_completed": 1,
    "trained_employed_90_days": 1,
    "vacancies": 2,
    "positions": 17,
    "fairs_held": 1,
    "fair_attendees": 2,
    "fair_intentions": 1,
    "referrals": 1,
    "hires": 1,
    "reached_3_months": 2,
    "in_post_3_months": 1,
    "reached_6_months": 2,
    "in_post_6_months": 1,
    "retention_rate": 1,  # its numerator; the denominator's change is checked below
    "subsidies_claimed": 0,
    "subsidies_paid": 0,
    "cases_visit": 1,
    "cases_hardship_aid": 0,
    "cases_onboarding": 0,
    "cases_dispute": 0,
    # The flags are raised on the real today, when the spells are recorded (and their
    # jobs have run); L5's (idle since 1 March) is closed by the hire, recorded on the
    # fair's day.
    "warnings_raised": 0,
    "warnings_closed": 1,
}
CODES = [i.code for i in BUILT_IN]


def _ok(response, expect=(200, 201)):  # type: ignore[no-untyped-def]
    assert response.status_code in expect, response.text
    return response.json()


def _on(day: str):  # type: ignore[no-untyped-def]
    moment = datetime.combine(date.fromisoformat(day), time(10), tzinfo=clock.zone())
    return time_machine.travel(moment, tick=True)


def _figures(user, **period) -> dict[str, tuple[int, int | None]]:  # type: ignore[no-untyped-def]
    out = {}
    for code in CODES:
        body = _ok(user.get("/api/v1/statistics", params={"indicator": code, **(period or MARCH)}))
        out[code] = (body["numerator"], body["denominator"])
    return out


def _register(login, day: str, **fields) -> str:  # type: ignore[no-untyped-def]
    with _on(day):
        user = login("wushan.staff")
        sex = "female" if fields.pop("female", False) else "male"
        body = laborer_payload(id_number=id_number(sex=sex), township=TOWNSHIP, **fields)
        return _ok(user.post("/api/v1/laborers", json=body))["id"]


def _place(user, laborer_id, started, ended=None, **fields):  # type: ignore[no-untyped-def]
    body = {
        "laborer_id": laborer_id,
        "employer_name": "烟台某电子有限公司",
        "region_code": "370602",
        "channel": "organized",
        "started_on": started,
        **fields,
    }
    if ended:
        body |= {"ended_on": ended, "separation_reason": "quit"}
    return _ok(user.post("/api/v1/placements", json=body))


def _course(user, starts, ends, enroll, complete=None):  # type: ignore[no-untyped-def]
    course = {
        "title": f"面点培训{starts}",
        "occupation": "中式面点师",
        "occupation_code": "4-03-02-02",
        "training_type": "pre_job",
        "provider": "巫山县职业教育中心",
        "location": "巫山县职教中心",
        "starts_on": starts,
        "ends_on": ends,
        "capacity": 5,
    }
    base = f"/api/v1/trainings/{_ok(user.post('/api/v1/trainings', json=course))['id']}"
    rows = _ok(
        user.post(f"{base}/enrollments", json={"laborer_ids": enroll, "enrolled_on": "2025-02-20"})
    )
    for row in rows:
        if complete and row["laborer_id"] == complete[0]:
            body = {
                "assessment_result": "合格",
                "certificate_number": "CQ-S1",
                "completed_on": complete[1],
            }
            _ok(user.post(f"{base}/enrollments/{row['id']}/complete", json=body))


def _fair(login, ids) -> None:  # type: ignore[no-untyped-def]
    """The fair of 15 March, run on its day; a draft fair of 20 March never held."""
    day = "2025-03-15"
    with _on(day):
        admin, wushan, yantai = login("wushan.admin"), login("wushan.staff"), login("yantai.staff")
        fair = _ok(
            admin.post("/api/v1/fairs", json=fair_payload(held_on=day, registration_deadline=day))
        )
        draft = fair_payload(
            title="草稿招聘会", held_on="2025-03-20", registration_deadline="2025-03-20"
        )
        _ok(admin.post("/api/v1/fairs", json=draft))
        base = f"/api/v1/fairs/{fair['id']}"
        _ok(admin.post(f"{base}/status", json={"status": "published", "version": 1}))
        employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
        vacancy = _ok(
            yantai.post(
                "/api/v1/vacancies",
                json=vacancy_payload(
                    employer["id"], valid_from="2025-03-01", valid_until="2025-12-31"
                ),
            )
        )
        _ok(
            yantai.post(
                f"{base}/employers",
                json={"employer_id": employer["id"], "vacancy_ids": [vacancy["id"]]},
            )
        )
        regs = {
            r["laborer_id"]: r
            for r in _ok(
                wushan.post(
                    f"{base}/registrations",
                    json={"laborer_ids": [ids[n] for n in ("L1", "L4", "L5")]},
                )
            )
        }
        for name in ("L4", "L5"):
            _ok(admin.post(f"{base}/checkins", json={"code": regs[ids[name]]["code"]}))
        agreed = {"registration_id": regs[ids["L5"]]["id"], "vacancy_id": vacancy["id"]}
        _ok(admin.post(f"{base}/intentions", json=agreed))
        assert _ok(wushan.post(f"{base}/intentions/referrals", json={}))["referrals_made"] == 1
        [referral] = _ok(wushan.get("/api/v1/referrals", params={"vacancy_id": vacancy["id"]}))[
            "items"
        ]
        for step in ("interviewed", "offered", "hired"):
            body = {"status": step, "version": referral["version"]}
            referral = _ok(wushan.post(f"/api/v1/referrals/{referral['id']}/steps", json=body))


def _month_of_work(world, login) -> dict[str, str]:  # type: ignore[no-untyped-def]
    early = "2024-08-01"
    ids = {
        "L1": _register(login, early, female=True, poverty_status="lifted", two_after=True),
        "L2": _register(login, early, poverty_status="none", poverty_year=None),
        "L3": _register(login, early, poverty_status="monitored"),
        "L4": _register(login, early, female=True, poverty_status="none", poverty_year=None),
        "L5": _register(login, early, poverty_status="none", poverty_year=None),
        "L6": _register(login, "2025-04-10", female=True, poverty_status="lifted"),
    }
    wushan, yantai = login("wushan.staff"), login("yantai.staff")
    _place(wushan, ids["L1"], "2025-03-05")
    _place(wushan, ids["L2"], "2024-09-01", "2024-09-15")
    _place(wushan, ids["L2"], "2025-03-10", "2025-03-20", channel="self_found")
    _place(
        wushan,
        ids["L3"],
        "2024-09-20",
        region_code="500237",
        channel="workshop",
        employer_name="巫山县扶贫车间",
    )
    _place(wushan, ids["L4"], "2024-12-15", "2025-03-31", region_code="500101")
    _place(wushan, ids["L5"], "2024-12-10", "2025-03-01")
    _place(wushan, ids["L6"], "2025-04-15")
    _course(
        wushan,
        "2025-03-03",
        "2025-03-14",
        [ids["L2"], ids["L5"]],
        complete=(ids["L2"], "2025-03-14"),
    )
    _course(wushan, "2025-04-05", "2025-04-15", [ids["L4"]])
    # The spells' warnings are judged before the fair: its jobs, queued under travelled
    # clocks, would otherwise be older and run first.
    wait_for_queued_jobs(world)
    employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
    for valid_from, valid_until, headcount in (
        ("2025-03-01", "2025-06-30", 7),
        ("2025-04-01", None, 5),
    ):
        body = vacancy_payload(
            employer["id"], valid_from=valid_from, valid_until=valid_until, headcount=headcount
        )
        _ok(yantai.post("/api/v1/vacancies", json=body))
    _fair(login, ids)
    office = login("wushan.yantai.staff")
    for day in ("2025-03-10", "2025-04-02"):
        visit = {
            "kind": "visit",
            "occurred_on": day,
            "summary": "节日走访",
            "laborer_ids": [ids["L1"]],
        }
        _ok(office.post("/api/v1/cases", json=visit))
    return ids


def test_each_indicator_counts_the_month_by_hand(world, login):
    # The indicators added later are counted by hand in test_oversight_more_indicators.py.
    assert set(EXPECTED) <= set(BY_CODE)
    wushan, office = login("wushan.staff"), login("wushan.yantai.staff")
    kaizhou, yantai = login("kaizhou.staff"), login("yantai.staff")
    before = {"wushan": _figures(wushan), "kaizhou": _figures(kaizhou), "yantai": _figures(yantai)}

    _month_of_work(world, login)
    wait_for_queued_jobs(world)  # the hire's warnings are re-judged after its commit

    after = _figures(wushan)
    change = {code: after[code][0] - before["wushan"][code][0] for code in EXPECTED}
    assert change == EXPECTED
    rate = after["retention_rate"]
    assert rate == (after["in_post_6_months"][0], after["reached_6_months"][0])
    assert rate[1] - before["wushan"]["retention_rate"][1] == 2
    shown = _ok(wushan.get("/api/v1/statistics", params={"indicator": "retention_rate", **MARCH}))
    assert shown["value"] == round(100 * rate[0] / rate[1], 1)

    # The county's liaison office counts the county's people.
    at_office = _figures(office)
    for indicator in BUILT_IN:
        if indicator.by_township:
            assert at_office[indicator.code] == after[indicator.code], indicator.code

    # Another county sees none of it; the receiving bureau reads no register.
    assert _figures(kaizhou) == before["kaizhou"]
    at_yantai = _figures(yantai)
    for indicator in BUILT_IN:
        if indicator.by_township:
            assert at_yantai[indicator.code][0] == 0, indicator.code
    assert at_yantai["positions"][0] - before["yantai"]["positions"][0] == 17  # its own pool

    # By township: only this test's laborers live in it.
    body = _ok(
        wushan.get(
            "/api/v1/statistics", params={"indicator": "employed", "by": "township", **MARCH}
        )
    )
    assert body["by_township"][TOWNSHIP] == 4
    body = _ok(
        wushan.get(
            "/api/v1/statistics", params={"indicator": "transfers", "by": "township", **MARCH}
        )
    )
    assert body["by_township"][TOWNSHIP] == 3


def test_stock_is_read_at_the_period_end_and_flow_during_it(world, login):
    wushan = login("wushan.staff")
    ids = {
        "L1": _register(login, "2024-08-01"),
        "L2": _register(login, "2024-08-01"),
    }
    _place(wushan, ids["L1"], "2025-03-05", "2025-03-20")  # ended before the period's end
    _place(wushan, ids["L2"], "2025-02-01")  # before the period, still in post

    def employed(**period):  # type: ignore[no-untyped-def]
        params = {"indicator": "employed", "by": "township", **period}
        return _ok(wushan.get("/api/v1/statistics", params=params))["by_township"].get(TOWNSHIP, 0)

    def transfers(**period):  # type: ignore[no-untyped-def]
        params = {"indicator": "transfers", "by": "township", **period}
        return _ok(wushan.get("/api/v1/statistics", params=params))["by_township"].get(TOWNSHIP, 0)

    assert employed(**MARCH) == 1  # L2 only: L1 had left by 31 March
    assert employed(**{"from": "2025-03-01", "to": "2025-03-20"}) == 2  # L1's last day
    assert transfers(**MARCH) == 1  # L1 started in March; L2 in February
    assert transfers(**{"from": "2025-02-01", "to": "2025-03-31"}) == 2
    assert employed(**{"from": "2025-01-01", "to": "2025-01-31"}) == 0


def test_indicator_definitions_and_refusals(world, login):
    user = login("wushan.staff")
    listed = _ok(user.get("/api/v1/indicators"))
    assert [i["code"] for i in listed] == CODES
    rate = next(i for i in listed if i["code"] == "retention_rate")
    assert (rate["unit"], rate["measure"]) == ("percent", "flow")
    assert (rate["numerator"], rate["denominator"]) == ("in_post_6_months", "reached_6_months")
    assert next(i for i in listed if i["code"] == "employed")["measure"] == "stock"

    unknown = user.get("/api/v1/statistics", params={"indicator": "nonsense", **MARCH})
    assert unknown.status_code == 422
    [error] = unknown.json()["errors"]
    assert (error["field"], error["code"]) == ("indicator", "unknown_indicator")
    assert "nonsense" in error["message"]

    reversed_ = user.get(
        "/api/v1/statistics",
        params={"indicator": "employed", "from": "2025-04-01", "to": "2025-03-01"},
    )
    assert reversed_.status_code == 422
    assert reversed_.json()["errors"][0]["code"] == "period_reversed"

    not_by_place = user.get(
        "/api/v1/statistics", params={"indicator": "fairs_held", "by": "township", **MARCH}
    )
    assert not_by_place.status_code == 422


@pytest.mark.parametrize("code", ["transfers", "fairs_held"])
def test_a_count_is_its_own_value_over_the_period_asked(world, login, code):
    body = _ok(login("wushan.staff").get("/api/v1/statistics", params={"indicator": code, **MARCH}))
    assert body["value"] == body["numerator"] and body["denominator"] is None
    assert (body["from"], body["to"]) == (MARCH["from"], MARCH["to"])


def _progress(world, year: int, today: date) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with world.owner_database().transaction() as session:
        access = county_system_access(session, world.orgs["wushan"])
        apply_access(session, access)
        pairing = session.get(Pairing, world.pairings["wushan"])
        return {
            p.metric.value: p
            for p in service.target_progress(session, access, pairing, year, today)
        }


def _set_targets(world, year: int, targets: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    with world.owner_database().transaction() as session:
        for metric, value in targets.items():
            session.add(
                PairingTarget(
                    pairing_id=world.pairings["wushan"], year=year, metric=metric, target=value
                )
            )


def test_targets_against_actual_behind_and_ahead_of_schedule(world, login):
    today = date(2025, 7, 2)  # the 183rd day of 365: 50.1 % of the year gone
    _set_targets(world, 2025, {"laborers_transferred": 1, "fairs_held": 1})
    base = _progress(world, 2025, today)
    base_transfers = base["laborers_transferred"].actual
    base_fairs = base["fairs_held"].actual

    # Three transfers in the first half (one on 3 July, after today, is not counted yet)
    # and one fair held in May.
    wushan = login("wushan.staff")
    for started in ("2025-01-15", "2025-04-01", "2025-06-30", "2025-07-03"):
        _place(wushan, _register(login, "2024-08-01"), started)
    with _on("2025-05-10"):
        admin = login("wushan.admin")
        body = fair_payload(held_on="2025-05-10", registration_deadline="2025-05-10")
        fair = _ok(admin.post("/api/v1/fairs", json=body))
        _ok(
            admin.post(
                f"/api/v1/fairs/{fair['id']}/status", json={"status": "published", "version": 1}
            )
        )

    with world.owner_database().transaction() as session:
        for target in session.query(PairingTarget).filter_by(
            pairing_id=world.pairings["wushan"], year=2025
        ):
            target.target = {
                "laborers_transferred": base_transfers + 3,  # all done: ahead
                "fairs_held": (base_fairs + 1) * 4,  # a quarter done: behind
            }[target.metric.value]

    progress = _progress(world, 2025, today)
    transfers, fairs = progress["laborers_transferred"], progress["fairs_held"]
    assert transfers.actual == base_transfers + 3
    assert (transfers.percent_done, transfers.expected_percent, transfers.behind) == (
        100.0,
        50.1,
        False,
    )
    assert fairs.actual == base_fairs + 1
    assert (fairs.percent_done, fairs.behind) == (25.0, True)
    assert transfers.indicator.code == "transfers" and fairs.indicator.code == "fairs_held"

    # The year is over: all of it is expected; a year not begun expects nothing.
    assert _progress(world, 2025, date(2026, 3, 1))["fairs_held"].expected_percent == 100.0
    assert _progress(world, 2025, date(2024, 12, 31))["fairs_held"].actual == 0


def test_a_statistic_by_period_gives_each_periods_value(login):
    """`period=` adds each period's value; they tile the range, and the flows add up to
    the whole range's figure."""
    wushan = login("wushan.staff")
    params = {"indicator": "registered", "from": "2024-01-01", "to": "2024-12-31"}
    whole = _ok(wushan.get("/api/v1/statistics", params={**params, "period": "month"}))
    months = whole["values"]
    assert [m["period"] for m in months] == [f"2024-{n:02d}" for n in range(1, 13)]
    assert months[0]["from"] == "2024-01-01" and months[-1]["to"] == "2024-12-31"
    assert months[-1]["value"] == whole["value"]  # a stock: the last month's end is the year's
    flows = _ok(
        wushan.get(
            "/api/v1/statistics",
            params={**params, "indicator": "transfers", "period": "xun"},
        )
    )
    assert len(flows["values"]) == 36
    assert sum(v["value"] for v in flows["values"]) == flows["value"]  # a flow adds up
    weeks = _ok(wushan.get("/api/v1/statistics", params={**params, "period": "week"}))
    assert (
        weeks["values"][0]["period"] == "2024-W01" and weeks["values"][-1]["period"] == "2025-W01"
    )
    too_many = wushan.get(
        "/api/v1/statistics",
        params={
            "indicator": "transfers",
            "from": "2000-01-01",
            "to": "2024-12-31",
            "period": "week",
        },
    )
    assert too_many.status_code == 422 and "too_many_periods" in too_many.text
    bad = wushan.get("/api/v1/statistics", params={**params, "period": "fortnight"})
    assert bad.status_code == 422
