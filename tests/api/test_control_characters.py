"""Text with NUL or other control characters is refused with a 422 naming the field.

Generated from the OpenAPI document: every text field of every request body (JSON and
forms, nested objects and lists included) and every text query parameter. PostgreSQL
cannot store NUL at all; before this rule it answered 500.
"""

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from api.schemas import Input
from api.text import MULTI_LINE_FIELDS
from tests.fixtures.world import ApiUser

NUL = "a\x00b"


def _nul(schema: dict) -> str:
    """Text with a NUL inside, as long as the field's own limits allow: the NUL, not the
    length, must be what is refused."""
    length = max(schema.get("minLength", 0), 3)
    length = min(length, schema.get("maxLength", length))
    return "a\x00" + "b" * (length - 2)


PARAM = re.compile(r"\{[a-z_]+\}")
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _alternatives(doc: dict, schema: dict) -> list[dict]:
    return [_resolve(doc, s) for s in schema.get("anyOf", [schema])]


def _required(doc: dict, schema: dict) -> dict[str, str]:
    """Plain text for a nested object's required fields, so that only the NUL is wrong."""
    props = schema.get("properties", {})
    return {
        name: "甲" * max(props[name].get("minLength", 1), 1) for name in schema.get("required", [])
    }


def text_fields(doc: dict, schema: dict, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path to the field, a value carrying NUL there) for every text field of a schema;
    inside a list of objects the value is the whole object, its required fields filled."""
    for name, field in _resolve(doc, schema).get("properties", {}).items():
        path = (*prefix, name)
        for alt in _alternatives(doc, field):
            if alt.get("type") == "string" and "format" not in alt and "enum" not in alt:
                yield path, _nul(alt)
                break
            if alt.get("type") == "array":
                items = _resolve(doc, alt.get("items", {}))
                if items.get("type") == "string" and "format" not in items:
                    yield path, [_nul(items)]
                    break
                if "properties" in items:
                    for (inner, *_rest), value in text_fields(doc, items):
                        yield (*path, 0, inner), {**_required(doc, items), inner: value}
                    break
            if "properties" in alt:
                for inner, value in text_fields(doc, alt):
                    yield (*path, *inner), value
                break


def _nest(path: tuple, value: Any) -> Any:
    """{"teachers": [value]} from ("teachers", 0, "name"): the value is the object."""
    if len(path) > 1 and isinstance(path[-2], int):
        path = path[:-1]
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _url(path: str) -> str:
    return PARAM.sub(lambda _m: str(uuid.uuid4()), path)


def _operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in doc["paths"].items():
        if path.startswith("/api/"):
            for method, operation in item.items():
                yield method.upper(), path, operation


def _refused(response, field: str) -> bool:  # type: ignore[no-untyped-def]
    """A 422 problem naming the field (a model nested in a body that is shared with the
    responses, such as a skill, is named by the field that holds it)."""
    if response.status_code != 422:
        return False
    named = {field, field.split(".")[0]}
    body = response.json()
    return response.headers["content-type"].startswith("application/problem+json") and any(
        e["code"] == "control_characters" and e["field"] in named for e in body.get("errors", [])
    )


@pytest.fixture
def admin(client):  # type: ignore[no-untyped-def]
    return ApiUser(client, "wushan.admin")


def test_nul_in_every_text_field_of_every_request_body(world, admin):
    doc = world.app().openapi()
    tried, wrong = 0, []
    for method, path, operation in _operations(doc):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            for field_path, value in text_fields(doc, content.get("schema", {})):
                field = ".".join(str(p) for p in field_path)
                url = _url(path)
                if media == "application/json":
                    response = admin.request(method, url, json=_nest(field_path, value))
                elif media in FORMS:
                    files = {"file": ("x.csv", b"a")} if media == FORMS[0] else None
                    response = admin.request(method, url, data={field: value}, files=files)
                else:
                    continue
                tried += 1
                if not _refused(response, field):
                    wrong.append((method, path, field, response.status_code, response.text[:200]))
    assert tried > 100, tried  # the API has well over a hundred text fields
    assert not wrong, "\n".join(map(str, wrong))


def test_nul_in_every_text_query_parameter(world, admin):
    doc = world.app().openapi()
    tried, wrong = 0, []
    for method, path, operation in _operations(doc):
        if method != "GET":
            continue
        for parameter in operation.get("parameters", []):
            alts = _alternatives(doc, parameter.get("schema", {}))
            if parameter["in"] != "query" or not any(
                a.get("type") == "string" and "format" not in a for a in alts
            ):
                continue
            tried += 1
            response = admin.get(_url(path), params={parameter["name"]: NUL})
            if not _refused(response, parameter["name"]):
                wrong.append((path, parameter["name"], response.status_code))
    assert tried >= 10, tried  # q, township, village, skill, city, ...
    assert not wrong, "\n".join(map(str, wrong))


def test_every_request_schema_takes_the_rule():
    """Bodies are Input models: the one place the rule is declared."""
    from api.app import API_ROUTERS

    for router in API_ROUTERS:
        for route in router.routes:
            body = getattr(route, "body_field", None)
            annotation = getattr(body, "type_", None) if body is not None else None
            if isinstance(annotation, type) and issubclass(annotation, Input):
                continue
            if body is not None and annotation is not None and hasattr(annotation, "model_fields"):
                pytest.fail(f"{route.path}: {annotation.__name__} is not an api.schemas.Input")


def test_line_breaks_where_text_has_lines_and_nowhere_else(login, world):
    office = login("wushan.yantai.staff")
    county = login("wushan.admin")
    laborer = county.get("/api/v1/laborers", params={"page_size": 1}).json()["items"][0]["id"]
    case = {
        "kind": "visit",
        "occurred_on": "2026-01-20",
        "summary": "走访\r\n第二行\t缩进",
        "laborer_ids": [laborer],
    }
    created = office.post("/api/v1/cases", json=case)
    assert created.status_code == 201, created.text
    assert "summary" in MULTI_LINE_FIELDS
    note = office.post(f"/api/v1/cases/{created.json()['id']}/notes", json={"body": "一\n二"})
    assert note.status_code == 201, note.text
    refused = office.post("/api/v1/cases", json={**case, "place": "烟台\n芝罘区"})
    assert _refused(refused, "place")
    for bad in ("\x1b[31m", "\x7f", "\u0085", "\x0b"):
        response = office.post("/api/v1/cases", json={**case, "summary": f"走{bad}访"})
        assert _refused(response, "summary"), repr(bad)
    assert _refused(county.get("/api/v1/laborers", params={"q": "谭\t"}), "q")
    assert county.get("/api/v1/laborers", params={"q": "谭"}).status_code == 200
    # In English too, and never half written: the refused case left nothing behind.
    english = office.post(
        "/api/v1/cases", json={**case, "place": NUL}, headers={"Accept-Language": "en"}
    )
    [error] = english.json()["errors"]
    assert error["message"] == "Remove the control characters (such as NUL) from this text."
    cases = office.get("/api/v1/cases").json()
    assert cases["total"] == 1


def test_the_sign_in_form_and_the_pages_refuse_them_too(world, client):
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "wushan\x00admin", "password": "x"},
    )
    assert _refused(response, "username")
    page = client.get("/laborers", params={"q": NUL})
    assert page.status_code < 500
