"""Every action says what it did, once: the page a successful POST leads to shows its
message, and the page after that no longer does. And an edit form refused comes back
(4xx) with the reason and the values as they were typed, never a dead-end page.

Pages in English (the lb_lang cookie), so the messages are their msgids."""

import html
import re
from datetime import timedelta

from api import clock
from api.labels import LABELS
from shared_models.enums import FairStatus, ReferralStatus
from tests.fixtures.factories import id_number, laborer_payload
from tests.fixtures.jobs import job_path, outcome_of, wait_for_job
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.web.helpers import csrf_from, sign_in
from tests.web.test_demand_pages import _employer_form, _kept, _vacancy_form
from tests.web.test_subsidy_pages import _policies

FLASH = re.compile(r'<p class="flash" role="status">(.*?)</p>', re.S)
FORM_ERROR = re.compile(r'class="(?:form-error|field-error)"')


def _as(client, username: str) -> None:
    client.cookies.clear()
    sign_in(client, username)
    client.cookies.set("lb_lang", "en")


def _token(client) -> str:  # type: ignore[no-untyped-def]
    # A page without a flash of its own to use up: the token page (everyone has one).
    return csrf_from(client.get("/account/tokens").text)


def _flashes(text: str) -> list[str]:
    return [html.unescape(m) for m in FLASH.findall(text)]


def act(client, path: str, data: dict, message: str, *, then: str | None = None, **kw) -> str:  # type: ignore[no-untyped-def]
    """POST the action; the page it leads to shows `message` exactly once, and the next
    page (`then`, else that page again) shows none. Returns where it led."""
    response = client.post(
        path, data={"csrf_token": _token(client), **data}, follow_redirects=False, **kw
    )
    assert response.status_code == 303, (path, response.status_code, response.text[:3000])
    target = response.headers["location"]
    shown = client.get(target)
    assert shown.status_code == 200, (target, shown.text[:2000])
    assert _flashes(shown.text) == [message], (path, _flashes(shown.text))
    after = client.get(then or target)
    assert _flashes(after.text) == [], (path, then or target)
    return target


def refused(client, path: str, data: dict, status: int = 422):  # type: ignore[no-untyped-def]
    """POST a bad form: it comes back with the status and a message, not an error page."""
    response = client.post(path, data={"csrf_token": _token(client), **data})
    assert response.status_code == status, (path, response.status_code, response.text[:3000])
    assert FORM_ERROR.search(response.text), response.text[:3000]
    assert 'class="flash"' not in response.text
    return response.text


def _id(location: str) -> str:
    return location.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[1]


def test_employer_and_vacancy_forms(client):
    _as(client, "yantai.staff")
    form = _employer_form()
    employer = _id(act(client, "/employers/new", form, "Employer 烟台紫建电子科技有限公司 added."))
    edited = {**form, "name": "烟台紫建电子股份有限公司", "version": "1"}
    act(client, f"/employers/{employer}/edit", edited, "Employer 烟台紫建电子股份有限公司 saved.")
    code = form["credit_code"]
    wrong = code[:-1] + ("1" if code.endswith("0") else "0")
    typed = {**edited, "name": "改了的名字", "credit_code": wrong, "version": "2"}
    page = refused(client, f"/employers/{employer}/edit", typed)
    assert 'aria-describedby="e-credit_code"' in page and 'value="改了的名字"' in page

    vacancy_form = _vacancy_form(employer)
    vacancy = _id(act(client, "/vacancies/new", vacancy_form, "Vacancy 电焊工 posted."))
    kept = _kept(client.get(f"/vacancies/{vacancy}/edit").text)
    changed = {**vacancy_form, **kept, "title": "高级电焊工"}
    act(client, f"/vacancies/{vacancy}/edit", changed, "Vacancy 高级电焊工 saved.")
    typed = {**changed, "title": "夜班电焊工", "headcount": "0", "version": "2"}
    page = refused(client, f"/vacancies/{vacancy}/edit", typed)
    assert 'aria-describedby="e-headcount"' in page and 'value="夜班电焊工"' in page


def test_referral_and_its_step(client, login):
    laborer = login("wushan.staff").post("/api/v1/laborers", json=laborer_payload()).json()
    _as(client, "yantai.staff")
    employer = _id(
        act(client, "/employers/new", _employer_form(), "Employer 烟台紫建电子科技有限公司 added.")
    )
    vacancy = _id(act(client, "/vacancies/new", _vacancy_form(employer), "Vacancy 电焊工 posted."))
    _as(client, "wushan.staff")
    refer = {"laborer_ids": laborer["id"], "vacancy_ids": vacancy, "next": "/referrals"}
    act(client, "/referrals", refer, "Referrals made: 1.")
    _as(client, "yantai.staff")
    board = client.get("/referrals").text
    referral = re.search(r'<tr id="referral-([0-9a-f-]+)"', board).group(1)
    step = {"status": "interviewed", "version": "1", "next": "/referrals"}
    interviewed = LABELS[(ReferralStatus, ReferralStatus.INTERVIEWED)]
    act(
        client,
        f"/referrals/{referral}/steps",
        step,
        f"Referral step recorded: {interviewed}.",
    )


def test_laborer_forms(client):
    _as(client, "wushan.staff")
    data = {
        "name": "李建华",
        "id_number": id_number(),
        "township": "巫峡镇",
        "village": "江东村",
        "poverty_status": "lifted",
        "employment_status": "unemployed",
    }
    laborer = _id(act(client, "/laborers/new", data, "Laborer 李建华 registered."))
    survey = {
        "surveyed_on": "2026-11-20",
        "surveyor": "冉志强",
        "employment_status": "employed",
        "employment_need": "none",
        "skill_level": "basic",
        "employment_difficulty": "none",
        "assistance_measure": "none",
    }
    act(client, f"/laborers/{laborer}/surveys", survey, "Survey of 2026-11-20 added.")
    form = client.get(f"/laborers/{laborer}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    fields = dict(re.findall(r'name="(\w+)" type="text" value="([^"]*)"', form))
    edited = {**fields, "version": version, "village": "新村", "poverty_status": "none"}
    edited["employment_status"] = "employed"
    act(client, f"/laborers/{laborer}/edit", edited, "Laborer 李建华 saved.")
    typed = {**edited, "village": "旧村", "expected_wage": "很多", "version": str(int(version) + 1)}
    page = refused(client, f"/laborers/{laborer}/edit", typed)
    assert 'aria-describedby="e-expected_wage"' in page and 'value="旧村"' in page


def test_stay_actions(client, login):
    family = _policies(login)["stability"]["family_id"]
    staff = login("wushan.staff")
    laborer = staff.post(
        "/api/v1/laborers", json=laborer_payload(name="向春花", poverty_status="lifted")
    ).json()
    stay = f"/laborers/{laborer['id']}/stay"
    _as(client, "wushan.staff")
    placement = {
        "employer_name": "烟台某食品有限公司",
        "region_code": "370602",
        "channel": "organized",
        "started_on": "2021-03-01",
    }
    act(client, f"{stay}/placements", placement, "Placement at 烟台某食品有限公司 recorded.")
    page = client.get(stay).text
    placement_id = re.search(r'data-placement-id="([0-9a-f-]+)"', page).group(1)
    spell = f"{stay}/placements/{placement_id}"
    verify = {"month": "2021-03", "in_post": "yes", "source": "liaison_visit"}
    act(client, f"{spell}/verify", verify, "2021-03 recorded as in post.")
    act(client, f"{stay}/claims", {"family_id": family}, "Claims raised: 1.")
    account = {"bank_name": "巫山农商行", "account_number": "6222020200112233445"}
    act(client, f"{stay}/account", account, "Payee account saved.")
    leave = {"left_on": "2021-05-01", "expected_return_on": "2021-05-20", "trip": "返岗包车"}
    act(client, f"{spell}/leave", leave, "Holiday leave from 2021-05-01 recorded.")
    page = client.get(stay).text
    back = re.search(r'action="([^"]*/stay/leaves/[0-9a-f-]+/return)"(.*?)</form>', page, re.S)
    leave_version = re.search(r'name="version" value="(\d+)"', back.group(2)).group(1)
    returned = {"returned_on": "2021-05-18", "version": leave_version}
    act(client, back.group(1), returned, "Return on 2021-05-18 recorded.")
    page = client.get(stay).text
    end = re.search(rf'action="{re.escape(spell)}/end"(.*?)</form>', page, re.S).group(1)
    spell_version = re.search(r'name="version" value="(\d+)"', end).group(1)
    ended = {"ended_on": "2021-06-30", "separation_reason": "contract_ended"}
    act(
        client,
        f"{spell}/end",
        {**ended, "version": spell_version},
        "Placement ended on 2021-06-30.",
    )


def test_verification_sheet_and_its_list(client, login):
    staff = login("wushan.staff")
    laborer = staff.post("/api/v1/laborers", json=laborer_payload(name="谭月英")).json()
    placement = staff.post(
        "/api/v1/placements",
        json={
            "laborer_id": laborer["id"],
            "employer_name": "潍坊某纺织厂",
            "region_code": "370702",
            "channel": "self_found",
            "started_on": "2025-01-01",
        },
    ).json()
    _as(client, "wushan.staff")
    state = {"month": "2025-10", f"state-{placement['id']}": "no"}
    page = refused(client, "/verifications", state)  # no evidence chosen
    assert "Choose the evidence." in page
    assert re.search(rf'name="state-{placement["id"]}".*?value="no" selected', page, re.S)
    act(client, "/verifications", {**state, "source": "employer"}, "Verifications saved: 1.")
    missing = refused(client, "/verifications/import", {"month": "2025-10"}, status=400)
    assert "Choose a file to upload." in missing
    listing = xlsx(
        [{"身份证号码": laborer_payload()["id_number"], "姓名": "路人甲"}],
        headers=["身份证号码", "姓名"],
    )
    queued = act(
        client,
        "/verifications/import",
        {"month": "2025-10", "source": "payroll", "check_only": "on"},
        "The file is being checked; this page shows the progress.",
        then="/verifications?month=2025-10",
        files={"file": ("名单.xlsx", listing)},
    )
    wait_for_job(client, queued)


def test_ledger_import_says_what_it_started(client):
    _as(client, "wushan.staff")
    missing = refused(client, "/laborers/import", {}, status=400)
    assert "Choose a file to upload." in missing
    checking = "The file is being checked; this page shows the progress."
    good = xlsx([ledger_row(), ledger_row()])
    upload = client.post(
        "/laborers/import",
        data={"csrf_token": _token(client)},
        files={"file": ("台账.xlsx", good)},
        follow_redirects=False,
    )
    job_path(upload)
    assert _flashes(client.get(upload.headers["location"]).text) == [checking]
    preview = outcome_of(client, upload)
    commit = re.search(r'action="(/laborers/import/[0-9a-f-]+/commit)"', preview.text).group(1)
    saving = act(
        client,
        commit,
        {},
        "Saving has started; this page shows the progress.",
        then="/laborers/import",
    )
    assert 'data-status="succeeded"' in wait_for_job(client, saving).text


def test_training_actions(client, login):
    _as(client, "wushan.staff")
    course = {
        "title": "茶艺师培训",
        "occupation": "茶艺师",
        "occupation_code": "4-03-02-99",
        "training_type": "upgrade",
        "provider": "巫山县茶叶产业协会",
        "location": "巫峡镇",
        "starts_on": "2021-04-01",
        "ends_on": "2021-04-10",
        "capacity": "5",
        "teacher_name": "向春燕",
        "teacher_origin": "巫山县高级茶艺师",
    }
    training = _id(act(client, "/trainings/new", course, "Course 茶艺师培训 planned."))
    edited = {**course, "title": "茶艺师提升培训", "version": "1"}
    act(client, f"/trainings/{training}/edit", edited, "Course 茶艺师提升培训 saved.")
    typed = {**edited, "location": "龙门街道", "capacity": "0", "version": "2"}
    page = refused(client, f"/trainings/{training}/edit", typed)
    assert 'aria-describedby="e-capacity"' in page and 'value="龙门街道"' in page
    held = {"held_on": "2021-04-03", "starts_at": "14:00", "ends_at": "17:00"}
    act(client, f"/trainings/{training}/sessions", held, "Session of 2021-04-03 added.")
    api = login("wushan.staff")
    need = [{"name": "茶艺师"}]
    ids = [
        api.post("/api/v1/laborers", json=laborer_payload(training_needs=need)).json()["id"]
        for _ in range(2)
    ]
    roster = f"/trainings/{training}/roster"
    act(client, roster, {"laborer_id": ids}, "2 laborers enrolled or put on the waiting list.")
    enrolled = re.findall(
        r'id="enrollment-([0-9a-f-]+)" data-status="enrolled"', client.get(roster).text
    )
    assert len(enrolled) == 2
    # The sheet of a past session: two more enrolled before it, as it happened.
    more = [
        api.post("/api/v1/laborers", json=laborer_payload(training_needs=need)).json()["id"]
        for _ in range(2)
    ]
    earlier = {"laborer_ids": more, "enrolled_on": "2021-03-25"}
    rows = api.post(f"/api/v1/trainings/{training}/enrollments", json=earlier).json()
    session_id = api.get(f"/api/v1/trainings/{training}/sessions").json()[0]["id"]
    sheet = {"enrollment_id": [r["id"] for r in rows], "present": [rows[0]["id"]]}
    act(
        client,
        f"/trainings/{training}/sessions/{session_id}/attendance",
        sheet,
        "Attendance saved: 1 present, 1 absent.",
    )
    done = {"assessment_result": "合格", "certificate_number": "CY2021-001"}
    act(client, f"{roster}/{enrolled[0]}/complete", done, "Completion recorded.")
    act(client, f"{roster}/{enrolled[1]}/withdraw", {"reason": "家中有事"}, "Withdrawal recorded.")


def test_policy_forms(client):
    _as(client, "wushan.admin")
    policy = {
        "name": "稳岗补贴",
        "year": "2022",
        "kind": "monthly",
        "amount": "1000",
        "months": "3",
        "cap": "6000",
        "poverty_statuses": "lifted",
        "destination_regions": "37, 3707",
        "max_gap_days": "30",
        "max_leave_days": "45",
    }
    act(client, "/subsidies/policies/new", policy, "Policy 稳岗补贴 added.")
    listing = client.get("/subsidies/policies").text
    policy_id = re.search(r'href="/subsidies/policies/([0-9a-f-]+)/edit"[^>]*>[^<]*', listing)
    edit = f"/subsidies/policies/{policy_id.group(1)}/edit"
    form = client.get(edit).text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    typed = {**policy, "name": "稳岗补贴（再改）", "cap": "500", "version": version}
    page = refused(client, edit, typed)
    assert 'aria-describedby="e-cap"' in page and 'value="稳岗补贴（再改）"' in page
    renamed = {**policy, "name": "稳岗补贴（新）", "version": version}
    act(client, edit, renamed, "Policy 稳岗补贴（新） saved.")


def test_fair_actions(client, login):
    laborer = (
        login("wushan.staff")
        .post("/api/v1/laborers", json=laborer_payload(name="页面报名人"))
        .json()
    )
    _as(client, "wushan.admin")
    held = (clock.today() + timedelta(days=1)).isoformat()
    plan = {
        "title": "页面测试招聘会",
        "mode": "offline",
        "venue": "巫山县人力资源市场",
        "held_on": held,
        "starts_at": "09:00",
        "ends_at": "12:00",
        "registration_deadline": held,
        "with_partner": "on",
    }
    fair = _id(act(client, "/fairs/new", plan, "Fair 页面测试招聘会 planned."))
    published = LABELS[(FairStatus, FairStatus.PUBLISHED)]
    status = {"status": "published", "version": "1"}
    act(client, f"/fairs/{fair}/status", status, f"The fair is now: {published}.")
    act(
        client,
        f"/fairs/{fair}/registrations",
        {"laborer_ids": laborer["id"]},
        "Laborers registered: 1.",
    )
    code = re.search(r'<tr data-code="([A-Z0-9]{8})">', client.get(f"/fairs/{fair}").text).group(1)
    desk = client.post(f"/fairs/{fair}/desk", data={"csrf_token": _token(client), "code": code})
    assert desk.status_code == 200
    _as(client, "yantai.admin")
    page = client.get(f"/fairs/{fair}", params={"employer_id__q": "公司"}).text
    employer = re.search(r'type="radio" name="employer_id" value="([0-9a-f-]+)"', page).group(1)
    brought = client.post(
        f"/fairs/{fair}/employers",
        data={"csrf_token": _token(client), "employer_id": employer},
        follow_redirects=False,
    )
    assert brought.status_code == 303
    assert len(_flashes(client.get(brought.headers["location"]).text)) == 1
    _as(client, "wushan.admin")
    page = client.get(f"/fairs/{fair}").text
    registration = re.search(r'name="registration_id" value="([0-9a-f-]+)"', page).group(1)
    vacancy = re.search(r'<select name="vacancy_id"[^>]*><option value="([0-9a-f-]+)"', page)
    talk = {"registration_id": registration, "vacancy_id": vacancy.group(1), "outcome": "agreed"}
    act(client, f"/fairs/{fair}/intentions", talk, "Intention recorded.")
    act(client, f"/fairs/{fair}/referrals", {}, "Referrals made: 1.")


def test_members_and_tokens(client):
    _as(client, "yantai.admin")
    page = client.get("/admin/members").text
    member = re.search(r'data-username="yantai.staff" data-member-id="([0-9a-f-]+)"', page)
    change = {"role": "viewer", "is_active": "true"}
    act(client, f"/admin/members/{member.group(1)}", change, "Member yantai.staff updated.")
    _as(client, "weifang.admin")
    page = client.get("/admin/members").text
    me = re.search(r'data-username="weifang.admin" data-member-id="([0-9a-f-]+)"', page).group(1)
    back = refused(client, f"/admin/members/{me}", {"role": "staff", "is_active": "true"}, 409)
    row = back[back.index('data-username="weifang.admin"') :].split("</tr>")[0]
    assert '<option value="staff" selected>' in row  # as typed, not as stored

    no_name = {"name": " ", "expires_in_days": "30"}
    page = refused(client, "/account/tokens", no_name)
    assert 'name="expires_in_days" type="number" min="1" value="30"' in page
    created = client.post("/account/tokens", data={"csrf_token": _token(client), "name": "月报"})
    assert created.status_code == 200 and 'id="new-token"' in created.text
    token = re.search(r'action="(/account/tokens/[0-9a-f-]+/revoke)"', created.text).group(1)
    act(client, token, {}, "Token 月报 revoked.")
