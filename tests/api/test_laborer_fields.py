"""Every declared field (api/supply/fields.py) makes the whole trip: a laborer with a
value in each is registered through the API, exported, and read back from the file by
the ledger reader as the same record; and the registration form shows each of them."""

import re
from datetime import date
from typing import Any

from api.spreadsheets.cells import map_headers
from api.spreadsheets.reader import read_table
from api.supply import ledger
from api.supply.fields import INPUT, Kind, LaborerField
from api.supply.mapping import record_from_create
from api.supply.schemas import LaborerCreate
from tests.fixtures.factories import id_number
from tests.web.helpers import sign_in

# Values the checks of a record accept; every other field gets one by its kind.
_GIVEN: dict[str, Any] = {
    "name": "全字段测试",
    "phone": "13812345678",
    "region_code": "500237",
    "poverty_year": 2018,
    "disability_level": 2,
    "expected_wage": 4800,
}


def _value(f: LaborerField) -> Any:
    if f.name in _GIVEN:
        return _GIVEN[f.name]
    if f.name == "id_number":
        return id_number()
    if f.enum is not None:
        return list(f.enum)[-1].value  # never the default, which is the first or none
    return {
        Kind.TEXT: f"{f.name[:4]}值",
        Kind.INT: 3,
        Kind.BOOL: True,
        Kind.DATE: "2026-09-01",
        Kind.LIST: ["甲地", "乙地"],
        Kind.OCCUPATIONS: [{"name": "焊工", "code": "6-18-02-04"}, {"name": "电工"}],
    }[f.kind]


def test_a_value_in_every_field_survives_register_export_and_reading_back(login):
    county = login("wushan.admin")
    body = {f.name: _value(f) for f in INPUT}
    created = county.post("/api/v1/laborers", json=body)
    assert created.status_code == 201, created.text

    exported = county.get("/api/v1/laborers/export", params={"reveal": "true", "q": body["name"]})
    assert exported.status_code == 200
    table = read_table(exported.content, "roster.xlsx")
    headers = map_headers(table.headers, ledger.HEADER_INDEX, ledger.REQUIRED)
    assert not headers.errors and not headers.ignored
    rows = [
        ledger.parse_row(n, cells, headers.columns, table.formulas, "500237")
        for n, cells in table.rows
    ]
    assert len(rows) == 1 and rows[0] is not None and not rows[0].errors, rows
    assert headers.present == {f.name for f in INPUT}

    sent = record_from_create(LaborerCreate.model_validate(body), "500237")
    read = rows[0].record
    assert read is not None
    for f in INPUT:
        assert getattr(read, f.name) == getattr(sent, f.name), f.name
    assert sent.surveyed_on == date(2026, 9, 1) and sent.health_status == body["health_status"]


def test_the_form_shows_every_declared_input(client):
    sign_in(client, "wushan.staff")
    new = client.get("/laborers/new").text
    shown = set(re.findall(r'<(?:input|select|textarea) id="f-\w+" name="(\w+)"', new))
    assert shown == {f.name for f in INPUT}
    roster = client.get("/laborers").text
    first = re.search(r'href="/laborers/([0-9a-f-]{36})"', roster).group(1)
    edit = client.get(f"/laborers/{first}/edit").text
    shown = set(re.findall(r'<(?:input|select|textarea) id="f-\w+" name="(\w+)"', edit))
    assert shown == {f.name for f in INPUT if f.on_edit}
