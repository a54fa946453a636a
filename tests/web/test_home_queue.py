"""Each role sees its own house: the navigation lists only what the role uses, a page
outside it answers 404, and the home page is the role's work queue with counts equal
to a hand count over the stored rows."""

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from api import clock
from shared_models import (
    Fair,
    HolidayLeave,
    Placement,
    StayVerification,
    SubsidyClaim,
    Training,
    TrainingSession,
    WarningFlag,
)
from shared_models.enums import ClaimStatus, FairStatus, WarningStatus
from tests.api.test_warnings import OFFICE, _flagged
from tests.web.helpers import csrf_from, sign_in

NAV = re.compile(r'<header class="site-header">(.*?)</header>', re.S)


def _nav(html: str) -> set[str]:
    header = NAV.search(html)
    assert header, "no site header"
    return set(re.findall(r'<a href="(/[^"?]*)', header.group(1)))


def _count(html: str, task: str) -> int:
    match = re.search(rf'data-task="{task}".*?<span class="count">([\d,]+)</span>', html, re.S)
    assert match, f"no {task} on the home page"
    return int(match.group(1).replace(",", ""))


def test_each_kind_sees_its_own_navigation_and_others_pages_answer_404(world):
    expected = {
        "wushan.staff": {"/laborers", "/claims", "/cases", "/subsidies/policies"},
        "wushan.yantai.staff": {"/laborers", "/claims", "/cases", "/warnings/queue"},
        "yantai.staff": {"/vacancies", "/referrals", "/disputes", "/fairs"},
    }
    absent = {
        "wushan.staff": {"/disputes"},  # reached from the cases page
        "wushan.yantai.staff": {"/subsidies/policies", "/disputes"},
        "yantai.staff": {
            "/laborers",
            "/claims",
            "/verifications",
            "/returns",
            "/cases",
            "/warnings/queue",
            "/subsidies/policies",
            "/admin/members",
        },
    }
    for username, links in expected.items():
        client = world.client()
        sign_in(client, username)
        nav = _nav(client.get("/").text)
        assert links <= nav, (username, links - nav)
        assert not absent[username] & nav, (username, absent[username] & nav)
        for path in absent[username] - {"/disputes", "/admin/members"}:
            assert client.get(path).status_code == 404, (username, path)
        for path in nav:
            assert client.get(path).status_code == 200, (username, path)
    office = world.client()
    sign_in(office, "wushan.yantai.staff")
    assert office.get("/laborers/new").status_code == 404  # the county registers people
    assert office.get("/vacancies/new").status_code == 404  # the bureaus post vacancies
    assert office.get("/cases/new").status_code == 200
    # A read-only member of the office: the same house, no "new" forms.
    viewer = world.client()
    sign_in(viewer, "wushan.admin")
    switched = viewer.post(
        "/switch-tenant",
        data={
            "tenant_id": str(world.orgs["wushan_office"]),
            "next": "/",
            "csrf_token": csrf_from(viewer.get("/").text),
        },
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert viewer.get("/cases").status_code == 200
    assert viewer.get("/cases/new").status_code == 404


def _hand_counts(world, username: str, county: uuid.UUID) -> dict[str, int]:
    today = clock.today()
    month = today.replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1)
    with world.superuser_session() as session:
        user_id = world.users[username]
        claims = session.scalars(select(SubsidyClaim).where(SubsidyClaim.tenant_id == county))
        verified_by = {c.id: c for c in claims}
        placements = session.scalars(select(Placement).where(Placement.tenant_id == county)).all()
        done = {
            v.placement_id
            for v in session.scalars(
                select(StayVerification).where(StayVerification.month == month)
            )
        }
        leaves = session.scalars(select(HolidayLeave).where(HolidayLeave.tenant_id == county))
        flags = session.scalars(select(WarningFlag).where(WarningFlag.tenant_id == county))
        horizon = today + timedelta(days=30)
        fairs = session.scalars(
            select(Fair).where(Fair.held_on >= today, Fair.held_on <= horizon)
        ).all()
        meetings = session.scalars(
            select(TrainingSession)
            .join(Training, Training.id == TrainingSession.training_id)
            .where(TrainingSession.held_on >= today, TrainingSession.held_on <= horizon)
        ).all()
        wushan_pairing = world.pairings["wushan"]
        return {
            "claims_to_approve": sum(
                1
                for c in verified_by.values()
                if c.status is ClaimStatus.VERIFIED and c.raised_by != user_id
            ),
            "claims_to_verify": sum(
                1 for c in verified_by.values() if c.status is ClaimStatus.RAISED
            ),
            "verifications_due": sum(
                1
                for p in placements
                if p.started_on < month_end
                and (p.ended_on is None or p.ended_on >= month)
                and p.id not in done
            ),
            "overdue_returns": sum(
                1 for x in leaves if x.returned_on is None and x.expected_return_on < today
            ),
            "warnings_assigned": sum(
                1
                for f in flags
                if f.assignee_id == user_id and f.status is not WarningStatus.CLOSED
            ),
            "upcoming": sum(
                1
                for f in fairs
                if f.pairing_id == wushan_pairing
                and f.status not in (FairStatus.DRAFT, FairStatus.CANCELLED)
            )
            + sum(1 for m in meetings if m.training.pairing_id == wushan_pairing),
        }


def test_the_home_page_is_the_roles_work_queue(world, login):
    _laborer, flag = _flagged(world, login)
    office = login(OFFICE)
    office_user = world.users[OFFICE]
    assigned = office.post(
        f"/api/v1/warnings/{flag['id']}/assign",
        json={"version": flag["version"], "user_id": str(office_user)},
    )
    assert assigned.status_code == 200, assigned.text
    raised = office.get("/api/v1/subsidy-claims", params={"status": "raised"}).json()["items"]
    for claim in raised[:2]:  # verified: now waiting for a second person of the county
        step = office.post(
            f"/api/v1/subsidy-claims/{claim['id']}/verify", json={"version": claim["version"]}
        )
        assert step.status_code == 200, step.text
    county = world.orgs["wushan"]
    cases = {
        "wushan.admin": ("claims_to_approve", "verifications_due", "overdue_returns"),
        "wushan.staff": ("claims_to_approve", "verifications_due", "warnings_assigned"),
        OFFICE: ("claims_to_verify", "verifications_due", "overdue_returns", "warnings_assigned"),
    }
    seen_nonzero: set[str] = set()
    for username, tasks in cases.items():
        client = world.client()
        sign_in(client, username)
        home = client.get("/").text
        hand = _hand_counts(world, username, county)
        for task in (*tasks, "upcoming"):
            assert _count(home, task) == hand[task], (username, task, hand[task])
            if hand[task]:
                seen_nonzero.add(task)
    # The queue is worth testing: every line has something waiting for someone.
    assert {"claims_to_approve", "claims_to_verify", "warnings_assigned"} <= seen_nonzero
    receiving = world.client()
    sign_in(receiving, "yantai.staff")
    home = receiving.get("/").text
    assert 'data-task="claims_to_approve"' not in home and 'data-task="upcoming"' in home
