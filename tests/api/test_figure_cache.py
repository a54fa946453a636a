"""Remembered figures (api/oversight/figures.py): a figure is computed once and then
answered from stat_figures, until something its reader can see changes; a change
another county makes leaves it remembered; no figure is ever answered out of date.
Both legs: the change log is a statement trigger on PostgreSQL and a row trigger on
SQLite (migration 0017)."""

import pytest
from sqlalchemy import inspect, text

from api.oversight import statistics_repository
from shared_models import Base
from shared_models.figure_cache import NOT_COUNTED
from tests.fixtures.factories import id_number, laborer_payload

# A period that ends in the future: today's registrations fall in it.
PERIOD = {"indicator": "registered", "from": "2020-01-01", "to": "2099-12-31"}
WEEKS = {
    "indicator": "registered",
    "period": "week",
    "from": "2026-01-05",
    "to": "2026-12-27",
    "by": "township",
}


@pytest.fixture
def computed(monkeypatch):  # type: ignore[no-untyped-def]
    """How many times each statistics query really ran."""
    calls = {"value": 0, "values_by_period": 0}
    for name in calls:
        real = getattr(statistics_repository, name)

        def counting(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(statistics_repository, name, counting)
    return calls


def _registered(user) -> int:  # type: ignore[no-untyped-def]
    response = user.get("/api/v1/statistics", params=PERIOD)
    assert response.status_code == 200, response.text
    return response.json()["numerator"]


def _register(user, region: str, township: str) -> None:  # type: ignore[no-untyped-def]
    body = laborer_payload(id_number=id_number(region=region), township=township)
    response = user.post("/api/v1/laborers", json=body)
    assert response.status_code == 201, response.text


def test_a_figure_is_remembered_until_its_readers_records_change(login, computed) -> None:
    wushan, kaizhou = login("wushan.staff"), login("kaizhou.staff")
    before = _registered(wushan)
    assert computed["value"] == 1
    assert _registered(wushan) == before
    assert computed["value"] == 1, "asked again with nothing changed: not computed again"

    # Another county's registration is not in 巫山's view: still remembered.
    kaizhou_before = _registered(kaizhou)
    _register(kaizhou, "500154", "汉丰街道")
    assert _registered(wushan) == before
    assert computed["value"] == 2  # kaizhou's own first ask only
    assert _registered(kaizhou) == kaizhou_before + 1

    # 巫山's own registration: computed afresh, and right at once.
    _register(wushan, "500237", "巫峡镇")
    calls = computed["value"]
    assert _registered(wushan) == before + 1
    assert computed["value"] == calls + 1
    assert _registered(wushan) == before + 1
    assert computed["value"] == calls + 1


def test_a_weekly_spread_by_township_is_remembered_and_follows_a_change(login, computed) -> None:
    wushan = login("wushan.staff")
    first = wushan.get("/api/v1/statistics", params=WEEKS).json()
    assert computed["values_by_period"] == 1
    assert wushan.get("/api/v1/statistics", params=WEEKS).json() == first
    assert computed["values_by_period"] == 1
    _register(wushan, "500237", "缓存测试镇")
    again = wushan.get("/api/v1/statistics", params=WEEKS).json()
    assert computed["values_by_period"] == 2
    assert again != first


def test_readers_of_different_views_never_share_a_figure(login, world, computed) -> None:
    staff, liaison = login("wushan.staff"), login("wushan.yantai.staff")
    county = _registered(staff)
    _registered(liaison)
    assert computed["value"] == 2, "the liaison office's view is its own figure"
    assert _registered(staff) == county


def test_every_table_is_a_source_of_figures_or_named_as_not_one(world) -> None:
    """A new table gets change triggers (a migration) or a place in NOT_COUNTED: a
    table figures count from without a trigger would leave them out of date."""
    engine = world.owner_database().engine
    tables = set(Base.metadata.tables)
    assert NOT_COUNTED - {"alembic_version"} <= tables, "NOT_COUNTED names no gone table"
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.execute(
                text(
                    "SELECT DISTINCT c.relname FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'lb_stat_%'"
                )
            )
        else:
            rows = connection.execute(
                text(
                    "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE 'lb_stat_%'"
                )
            )
        triggered = {r[0] for r in rows}
        present = set(inspect(connection).get_table_names())
    assert triggered == (tables - NOT_COUNTED) & present


def _stored(world, table: str) -> int:  # type: ignore[no-untyped-def]
    """Rows as stored, whoever they belong to (row security hides them from the owner)."""
    if world.urls.admin.startswith("postgresql"):
        with world.superuser_session() as session:
            return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    with world.owner_database().engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_the_nightly_tidy_empties_the_log_and_drops_every_figure(login, cli, world, computed):  # type: ignore[no-untyped-def]
    wushan, kaizhou = login("wushan.staff"), login("kaizhou.staff")
    _register(wushan, "500237", "巫峡镇")
    county, other = _registered(wushan), _registered(kaizhou)
    assert _stored(world, "stat_changes") > 0 and _stored(world, "stat_figures") >= 2

    result = cli("stats", "tidy")
    assert result.exit_code == 0, result.output
    assert "emptied" in result.output
    assert (_stored(world, "stat_changes"), _stored(world, "stat_figures")) == (0, 0)

    calls = computed["value"]
    assert (_registered(wushan), _registered(kaizhou)) == (county, other)
    assert computed["value"] == calls + 2, "both computed afresh after the tidy-up"
    assert _registered(wushan) == county
    assert computed["value"] == calls + 2, "and remembered again"
    _register(wushan, "500237", "巫峡镇")  # the emptied log counts a change again
    assert _registered(wushan) == county + 1
