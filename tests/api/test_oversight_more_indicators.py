"""The rest of the built-in indicators (issue 13), each against a count written by hand,
as in test_oversight_statistics.py: every figure is read before and after the test's
events, and the difference is what is asserted (the seeded demo has records of its own).

By hand, for March 2025 (household 巫山 500237 unless said; 巫山 pairs with 烟台 370600):
  ages at 31 March, registered 2024-08-01, no placements:
    born 2009-04-01 (15: in no band)   2009-03-31 (16)   1994-04-01 (30)   → 16–30: 2
    1994-03-31 (31)   1979-04-01 (45)                                     → 31–45: 2
    1979-03-31 (46)   1964-04-01 (60)                                     → 46–60: 2
    1964-03-31 (61)                                                       → over 60: 1
  the placed, each born 1990-05-17 (34: 31–45), new transfers in March:
    T1 03-03 巫山 500237, public-benefit post, still there     乡外县内; a public post
    T2 03-04 万州 500101, ended 03-20                            县外市内 (重庆 is the city)
    T3 03-05 烟台 370602, organized                              省外; to the pairing's city
    T4 03-06 潍坊 370702 (another county's pairing)              省外
    H1 03-07 (household 宜昌 西陵 420502) in 伍家岗 420503         县外市内
    H2 03-08 (household 420502) in 武汉 江岸 420102                市外省内
    H3 03-09 (household 420502) at home 420502, workshop         乡外县内; a workshop job
  not new in March:
    T5 2025-04-02 烟台                                          nothing in March
    W1 workshop 2024-10-01..2025-03-15                          gone before the end
    W2 workshop 2024-10-01, still there                         a workshop job at the end
    P1 public post 2025-02-01..2025-03-31 (its last day)        a public post at the end
"""

import uuid
from datetime import date

from api.access import county_system_access
from api.db import apply_access
from api.oversight.indicators import BUILT_IN, BY_CODE, RULE_NAMES
from shared_models import WarningFlag
from shared_models.enums import WarningRule, WarningSeverity, WarningStatus
from shared_models.validators.idnumber import with_check_character
from shared_models.warnings import SEVERITY_RANK
from tests.api import test_oversight_statistics as first
from tests.api.test_oversight_statistics import MARCH, _ok, _on, _place
from tests.fixtures.factories import _demo_ids, laborer_payload

TOWNSHIP = "更多指标测试镇"
APRIL_1 = {"from": "2025-04-01", "to": "2025-04-01"}
MARCH_AND_APRIL = {"from": "2025-03-01", "to": "2025-04-30"}
TRANSFERS_AND_AGES = {
    "registered_age_16_30": 2,
    "registered_age_31_45": 2 + 12,  # two by the band's edges, and the twelve placed
    "registered_age_46_60": 2,
    "registered_age_over_60": 1,
    "public_posts": 2,
    "workshop_jobs": 2,
    "transfers_to_pairing_cities": 1,
    "transfers_in_county": 2,
    "transfers_in_city": 2,
    "transfers_in_province": 1,
    "transfers_out_of_province": 2,
}
NEW = [
    *TRANSFERS_AND_AGES,
    "dispute_money_recovered",
    *(f"warnings_raised_{rule.value}" for rule in WarningRule),
    *(f"warnings_closed_{rule.value}" for rule in WarningRule),
]
_used: set[str] = set()


# Added later, counted by hand (with every other) in test_oversight_year_boundary.py.
LATER = ["spring_returns", "employed_last_year_end", "spring_return_rate", "subsidies_due"]


def test_the_two_files_count_every_indicator_by_hand():
    assert set(first.EXPECTED) | set(NEW) | set(LATER) == set(BY_CODE)
    assert not set(first.EXPECTED) & set(NEW)


def _id_number(born: date) -> str:
    """An ID number with exactly this birth date (the factory's drifts by a day every
    499 numbers), never the demo's."""
    for serial in range(997, 0, -2):  # odd: a man
        number = with_check_character(f"500237{born:%Y%m%d}{serial:03d}")
        if number not in _used and number not in _demo_ids():
            _used.add(number)
            return number
    raise AssertionError(f"no ID number left for {born}")


def _register(login, born: str = "1990-05-17", region: str = "500237") -> str:  # type: ignore[no-untyped-def]
    with _on("2024-08-01"):
        body = laborer_payload(
            id_number=_id_number(date.fromisoformat(born)), township=TOWNSHIP, region_code=region
        )
        return _ok(login("wushan.staff").post("/api/v1/laborers", json=body))["id"]


def _figures(user, codes, **period) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        code: _ok(user.get("/api/v1/statistics", params={"indicator": code, **(period or MARCH)}))[
            "numerator"
        ]
        for code in codes
    }


def _change(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {code: after[code] - before[code] for code in before}


def test_age_bands_posts_and_destination_bands_by_hand(world, login):
    wushan, kaizhou = login("wushan.staff"), login("kaizhou.staff")
    before = _figures(wushan, TRANSFERS_AND_AGES)
    before_april_1 = _figures(wushan, TRANSFERS_AND_AGES, **APRIL_1)
    before_both = _figures(wushan, ["transfers_to_pairing_cities"], **MARCH_AND_APRIL)
    before_kaizhou = _figures(kaizhou, TRANSFERS_AND_AGES)

    for born in (
        "2009-04-01",
        "2009-03-31",
        "1994-04-01",
        "1994-03-31",
        "1979-04-01",
        "1979-03-31",
        "1964-04-01",
        "1964-03-31",
    ):
        _register(login, born)
    placed = [
        ("2025-03-03", None, "500237", "public_post", "500237"),
        ("2025-03-04", "2025-03-20", "500101", "self_found", "500237"),
        ("2025-03-05", None, "370602", "organized", "500237"),
        ("2025-03-06", None, "370702", "organized", "500237"),
        ("2025-03-07", None, "420503", "self_found", "420502"),
        ("2025-03-08", None, "420102", "self_found", "420502"),
        ("2025-03-09", None, "420502", "workshop", "420502"),
        ("2025-04-02", None, "370602", "organized", "500237"),
        ("2024-10-01", "2025-03-15", "500237", "workshop", "500237"),
        ("2024-10-01", None, "500237", "workshop", "500237"),
        ("2025-02-01", "2025-03-31", "500237", "public_post", "500237"),
    ]
    for started, ended, where, channel, home in placed:
        laborer = _register(login, region=home)
        _place(wushan, laborer, started, ended, region_code=where, channel=channel)
    _register(login)  # the twelfth of those born in 1990, never placed

    after = _figures(wushan, TRANSFERS_AND_AGES)
    assert _change(before, after) == TRANSFERS_AND_AGES
    assert _figures(kaizhou, TRANSFERS_AND_AGES) == before_kaizhou

    # The bands split the new transfers: each lands in exactly one.
    bands = [c for c in TRANSFERS_AND_AGES if c.startswith("transfers_in") or "_out_" in c]
    transfers = _figures(wushan, ["transfers"])["transfers"]
    assert sum(after[c] for c in bands) == transfers
    # By township: only this test's laborers live in it.
    for code, expected in TRANSFERS_AND_AGES.items():
        body = _ok(
            wushan.get("/api/v1/statistics", params={"indicator": code, "by": "township", **MARCH})
        )
        assert body["by_township"].get(TOWNSHIP, 0) == expected, code

    # Stock against flow: on 1 April the 15-year-old has turned 16 and three more have
    # moved up a band; P1 left on 31 March; nobody started that day. Over March and
    # April, T5 (2 April, to the pairing's city) counts too.
    assert _change(before_april_1, _figures(wushan, TRANSFERS_AND_AGES, **APRIL_1)) == {
        "registered_age_16_30": 2,  # 2009-04-01, 2009-03-31
        "registered_age_31_45": 2 + 12,  # 1994-04-01, 1994-03-31 and the placed
        "registered_age_46_60": 2,  # 1979-04-01, 1979-03-31
        "registered_age_over_60": 2,  # 1964-04-01, 1964-03-31
        "public_posts": 1,  # T1
        "workshop_jobs": 2,  # H3, W2
        "transfers_to_pairing_cities": 0,
        "transfers_in_county": 0,
        "transfers_in_city": 0,
        "transfers_in_province": 0,
        "transfers_out_of_province": 0,
    }
    to_pairing = _figures(wushan, ["transfers_to_pairing_cities"], **MARCH_AND_APRIL)
    assert _change(before_both, to_pairing) == {"transfers_to_pairing_cities": 2}


def test_money_recovered_in_disputes_finished_during_the_period(world, login):
    """Resolved on 12 March (3,000), closed on 25 March (1,500): 4,500. One resolved on
    3 April (800) and one still in progress (200) are not counted."""
    office, kaizhou = login("wushan.yantai.staff"), login("kaizhou.staff")
    code = ["dispute_money_recovered"]
    before, before_kaizhou = _figures(office, code), _figures(kaizhou, code)
    before_april = _figures(office, code, **{"from": "2025-04-01", "to": "2025-04-30"})
    laborer = _register(login)

    def dispute(occurred: str, recovered: int) -> dict:  # type: ignore[type-arg]
        with _on(occurred):
            body = {
                "kind": "dispute",
                "occurred_on": occurred,
                "summary": "拖欠工资",
                "laborer_ids": [laborer],
                "dispute_kind": "unpaid_wages",
                "employer_name": "烟台某电子有限公司",
                "amount_recovered": recovered,
            }
            return _ok(office.post("/api/v1/cases", json=body))

    def move(case: dict, status: str, day: str) -> dict:  # type: ignore[type-arg]
        with _on(day):
            body = {"version": case["version"], "status": status}
            return _ok(office.patch(f"/api/v1/cases/{case['id']}", json=body))

    move(dispute("2025-02-10", 3000), "resolved", "2025-03-12")
    move(dispute("2025-03-01", 1500), "closed", "2025-03-25")
    move(dispute("2025-03-02", 800), "resolved", "2025-04-03")
    move(dispute("2025-03-05", 200), "in_progress", "2025-03-06")

    assert _change(before, _figures(office, code)) == {"dispute_money_recovered": 4500}
    # The county counts its offices' casework; another county none of it.
    assert _change(before, _figures(login("wushan.staff"), code)) == {
        "dispute_money_recovered": 4500
    }
    assert _figures(kaizhou, code) == before_kaizhou
    april = _figures(office, code, **{"from": "2025-04-01", "to": "2025-04-30"})
    assert april["dispute_money_recovered"] - before_april["dispute_money_recovered"] == 800


def test_warnings_raised_by_rule(world, login):
    """Flags written straight in, each rule's count by hand (raising them is the warning
    rules' own tests' business): in March, two left before the milestone (on the 1st and
    the 31st), one open dispute, one idle (since closed); outside it, one unverified on
    28 February and one leave overdue on 1 April."""
    codes = [f"warnings_raised_{rule.value}" for rule in WarningRule] + ["warnings_raised"]
    codes += [f"warnings_closed_{rule.value}" for rule in WarningRule] + ["warnings_closed"]
    wushan, kaizhou = login("wushan.staff"), login("kaizhou.staff")
    before, before_kaizhou = _figures(wushan, codes), _figures(kaizhou, codes)
    laborer = _register(login)
    flags = [
        (WarningRule.LEFT_BEFORE_MILESTONE, "a", "2025-03-01", None),
        (WarningRule.LEFT_BEFORE_MILESTONE, "b", "2025-03-31", None),
        (WarningRule.OPEN_DISPUTE, "-", "2025-03-15", None),
        (WarningRule.IDLE_WILLING, "-", "2025-03-10", "2025-03-20"),
        (WarningRule.UNVERIFIED, "-", "2025-02-28", None),
        (WarningRule.LEAVE_OVERDUE, "-", "2025-04-01", None),
    ]
    with world.owner_database().transaction() as session:
        apply_access(session, county_system_access(session, world.orgs["wushan"]))  # RLS
        for rule, subject, raised, closed in flags:
            session.add(
                WarningFlag(
                    tenant_id=world.orgs["wushan"],
                    laborer_id=uuid.UUID(laborer),
                    rule=rule,
                    subject_key=subject,
                    severity=WarningSeverity.LOW,
                    severity_rank=SEVERITY_RANK[WarningSeverity.LOW],
                    reason="测试",
                    since=date.fromisoformat(raised),
                    raised_on=date.fromisoformat(raised),
                    status=WarningStatus.CLOSED if closed else WarningStatus.OPEN,
                    closed_on=date.fromisoformat(closed) if closed else None,
                )
            )

    expected = dict.fromkeys(codes, 0) | {
        "warnings_raised_left_before_milestone": 2,
        "warnings_raised_open_dispute": 1,
        "warnings_raised_idle_willing": 1,
        "warnings_raised": 4,
        # Closed in March: the idle flag, on the 20th.
        "warnings_closed_idle_willing": 1,
        "warnings_closed": 1,
    }
    assert _change(before, _figures(wushan, codes)) == expected
    assert _figures(kaizhou, codes) == before_kaizhou
    # One indicator a rule, named in both languages.
    assert set(RULE_NAMES) == set(WarningRule)
    listed = {i.code: i for i in BUILT_IN}
    for rule, (name_zh, _name_en) in RULE_NAMES.items():
        assert listed[f"warnings_raised_{rule.value}"].name_zh == f"预警发出（{name_zh}）"
        assert listed[f"warnings_closed_{rule.value}"].name_zh == f"预警关闭（{name_zh}）"
