"""Two hires for the last place of a vacancy at the same moment: one wins, one conflicts."""

import threading

import pytest

from api.demand import repository as demand_repository
from tests.api.test_referrals import _laborers, _post, _step, _vacancy
from tests.fixtures.world import ApiUser

pytestmark = pytest.mark.postgres_only


def test_two_concurrent_hires_for_the_last_place(world, login, monkeypatch):
    vacancy = _vacancy(login, headcount=1)
    laborers = _laborers(login, 2)
    wushan = login("wushan.staff")
    referrals = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [lab["id"] for lab in laborers], "vacancy_ids": [vacancy["id"]]},
    )
    offered = [_step(wushan, _step(wushan, r, "interviewed"), "offered") for r in referrals]

    # Both requests have read their referral (offered, the vacancy open) before either
    # takes the place: the database alone must keep them from both succeeding.
    barrier = threading.Barrier(2, timeout=20)
    take_place = demand_repository.take_place

    def racing_take_place(session, access, vacancy_id):  # type: ignore[no-untyped-def]
        barrier.wait()
        return take_place(session, access, vacancy_id)

    monkeypatch.setattr(demand_repository, "take_place", racing_take_place)
    results: dict[int, object] = {}

    def hire(i: int) -> None:
        user = ApiUser(world.client(), "wushan.staff")
        results[i] = user.post(
            f"/api/v1/referrals/{offered[i]['id']}/steps",
            json={"status": "hired", "version": offered[i]["version"]},
        )

    threads = [threading.Thread(target=hire, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())  # type: ignore[attr-defined]
    assert codes == [200, 409], [r.text for r in results.values()]  # type: ignore[attr-defined]
    loser = next(r for r in results.values() if r.status_code == 409)  # type: ignore[attr-defined]
    assert loser.json()["type"] == "/problems/conflict"
    assert "电焊工" in loser.json()["detail"]  # told which vacancy is full, not a bare error
    monkeypatch.undo()
    now = wushan.get(f"/api/v1/vacancies/{vacancy['id']}").json()
    assert (now["filled"], now["status"]) == (1, "filled")
    statuses = sorted(wushan.get(f"/api/v1/referrals/{r['id']}").json()["status"] for r in offered)
    assert statuses == ["hired", "offered"]
