"""Employers' open-dispute counts on the demand pool: a compliance signal the paired
bureaus read, kept in step with the liaison offices' disputes, and never carrying who
brought them."""

import uuid

from sqlalchemy import select

from api import migrate
from api.access import build_access_context
from api.casework import service as casework
from api.db import apply_access
from api.spreadsheets.reader import read_table
from shared_models import EmployerDisputeCount
from shared_models.enums import Role
from tests.api.test_casework import dispute, visit
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload
from tests.web.helpers import sign_in

OFFICE = "wushan.yantai.staff"
NAME = "欧阳秀英"


def _ok(response, expect=201):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def _setup(login):  # type: ignore[no-untyped-def]
    """A 巫山 laborer, and two 烟台 employers with a vacancy each."""
    laborer = _ok(login("wushan.staff").post("/api/v1/laborers", json=laborer_payload(name=NAME)))
    yantai = login("yantai.staff")
    employers, vacancies = [], []
    for _ in range(2):
        employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
        employers.append(employer)
        vacancies.append(
            _ok(yantai.post("/api/v1/vacancies", json=vacancy_payload(employer["id"])))
        )
    return laborer, employers, vacancies


def _pool_counts(user, vacancy_ids):  # type: ignore[no-untyped-def]
    page = _ok(user.get("/api/v1/vacancies", params={"page_size": 100}), 200)
    return {v["id"]: v["employer_open_disputes"] for v in page["items"] if v["id"] in vacancy_ids}


def test_paired_bureaus_see_open_dispute_counts_and_nothing_of_the_cases(login):
    laborer, (employer, _other), (vacancy, other_vacancy) = _setup(login)
    office = login(OFFICE)
    first, second = (
        _ok(office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_id=employer["id"])))
        for _ in range(2)
    )
    _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))  # not a dispute
    _ok(office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_name="某包工队")))

    ids = {vacancy["id"], other_vacancy["id"]}
    for reader in ("yantai.admin", "wushan.admin", "wushan.yantai.admin"):
        user = login(reader)
        assert _pool_counts(user, ids) == {vacancy["id"]: 2, other_vacancy["id"]: 0}, reader
        detail = user.get(f"/api/v1/vacancies/{vacancy['id']}")
        assert _ok(detail, 200)["employer_open_disputes"] == 2
        assert _ok(user.get(f"/api/v1/employers/{employer['id']}"), 200)["open_disputes"] == 2
        listing = user.get("/api/v1/vacancies", params={"page_size": 100})
        for body in (detail.text, listing.text):
            assert NAME not in body and "欧阳" not in body
            assert first["id"] not in body and second["id"] not in body

    # Resolving one leaves one open (the total still counts it).
    url = f"/api/v1/cases/{first['id']}"
    _ok(office.patch(url, json={"version": 1, "status": "resolved"}), 200)
    assert _pool_counts(login("yantai.admin"), ids)[vacancy["id"]] == 1
    _ok(office.patch(url, json={"version": 2, "status": "closed"}), 200)
    in_progress = {"version": 1, "status": "in_progress"}
    _ok(office.patch(f"/api/v1/cases/{second['id']}", json=in_progress), 200)
    assert _pool_counts(login("wushan.admin"), ids)[vacancy["id"]] == 1

    # 开州 is not paired with 烟台: the vacancy is not its to see, counts or not.
    kaizhou = login("kaizhou.admin")
    assert kaizhou.get(f"/api/v1/vacancies/{vacancy['id']}").status_code == 404
    assert kaizhou.get(f"/api/v1/employers/{employer['id']}").status_code == 404
    assert _pool_counts(kaizhou, ids) == {}


def test_moving_a_dispute_to_another_employer_moves_the_count(world, login):
    laborer, (employer, other), (vacancy, other_vacancy) = _setup(login)
    office = login(OFFICE)
    case = _ok(
        office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_id=employer["id"]))
    )
    ids = {vacancy["id"], other_vacancy["id"]}
    assert _pool_counts(login("yantai.admin"), ids) == {vacancy["id"]: 1, other_vacancy["id"]: 0}

    # The API does not change a case's employer; the service does, for corrections.
    with world.app_database().transaction() as session:
        access = build_access_context(
            session,
            tenant_id=world.orgs["wushan_office"],
            role=Role.STAFF,
            can_reveal_pii=False,
            user_id=world.users[OFFICE],  # the dispute's event queues its job as theirs
            actor_label="test",
        )
        apply_access(session, access)
        moved = casework.update(
            session,
            access,
            uuid.UUID(case["id"]),
            {"employer_id": uuid.UUID(other["id"])},
            version=1,
        )
        assert (moved.employer_name, moved.employer_tenant_id) == (
            other["name"],
            world.orgs["yantai"],
        )
    assert _pool_counts(login("yantai.admin"), ids) == {vacancy["id"]: 0, other_vacancy["id"]: 1}


def test_the_pool_page_and_the_export_show_the_signal(world, login):
    laborer, (employer, other), (vacancy, _) = _setup(login)
    office = login(OFFICE)
    for _ in range(2):
        _ok(office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_id=employer["id"])))

    client = world.client()
    assert sign_in(client, "yantai.admin").status_code == 303
    page = client.get("/vacancies").text
    assert page.count('class="disputes"') == 1
    assert "2" in page.split('class="disputes"', 1)[1].split("</mark>", 1)[0]
    assert NAME not in page
    for path in (f"/vacancies/{vacancy['id']}", f"/employers/{employer['id']}"):
        assert 'class="disputes"' in client.get(path).text, path

    export = login("yantai.admin").get("/api/v1/vacancies/export")
    assert export.status_code == 200, export.text
    table = read_table(export.content, "pool.xlsx")
    column = table.headers.index("未结劳动纠纷（起）")
    name_column = table.headers.index("企业名称")
    counts = {cells[name_column]: cells[column] for _number, cells in table.rows}
    assert int(counts[employer["name"]]) == 2
    assert int(counts[other["name"]]) == 0


def test_the_migration_counts_the_disputes_already_recorded(world, login):
    laborer, (employer, _other), _ = _setup(login)
    office = login(OFFICE)
    case = _ok(
        office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_id=employer["id"]))
    )
    _ok(office.post("/api/v1/cases", json=dispute([laborer["id"]], employer_id=employer["id"])))
    _ok(office.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "status": "resolved"}), 200)

    role = world.urls.app_role or "laborbridge_app"
    migrate.downgrade(world.urls.owner, app_role=role, revision="0008")
    migrate.upgrade(world.urls.owner, app_role=role)

    with world.app_database().transaction(_yantai(world)) as session:
        row = session.scalars(
            select(EmployerDisputeCount).where(
                EmployerDisputeCount.employer_id == uuid.UUID(employer["id"])
            )
        ).one()
        assert (row.tenant_id, row.open_count, row.total_count) == (world.orgs["yantai"], 1, 2)


def _yantai(world):  # type: ignore[no-untyped-def]
    database = world.app_database()
    with database.transaction() as session:
        return build_access_context(
            session,
            tenant_id=world.orgs["yantai"],
            role=Role.STAFF,
            can_reveal_pii=False,
            user_id=None,
            actor_label="test",
        )
