"""422s read in the caller's language: in Chinese no pydantic English and no raw codes
('visit', 'hardship_aid', 'resolved'); choices are named by their labels."""

import re

import pytest

from api.errors import InvalidTransition
from api.i18n import _, set_locale
from api.validation_messages import field_errors
from shared_models.enums import CaseStatus

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
CODES = re.compile(r"\b(visit|hardship_aid|onboarding|dispute|open|in_progress|resolved)\b")
PYDANTIC_ENGLISH = re.compile(r"Input should|Field required|valid|characters", re.IGNORECASE)


def _messages(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def admin(login):  # type: ignore[no-untyped-def]
    return login("wushan.admin")


def test_query_choices_are_named_by_their_labels(admin):
    params = {"kind": "bogus", "status": "done", "page": 0}
    chinese = _messages(admin.get("/api/v1/cases", params=params, headers=ZH))
    assert set(chinese) == {"kind", "status", "page"}
    assert chinese["kind"].startswith("请从以下选项中选择：走访慰问、困难帮扶、")
    assert "已解决" in chinese["status"]
    for message in chinese.values():
        assert not CODES.search(message), message
        assert not PYDANTIC_ENGLISH.search(message), message
        assert re.search("[\u4e00-\u9fff]", message), message
    english = _messages(admin.get("/api/v1/cases", params=params, headers=EN))
    assert english["kind"] == (
        "Choose one of: Welfare visit, Hardship aid, Onboarding assistance, Dispute."
    )
    assert "Resolved" in english["status"]
    assert english["page"] == "Must be at least 1."


def test_body_errors_have_no_pydantic_english(admin):
    body = {
        "kind": "visit ",
        "laborer_ids": "nobody",
        "summary": 12,
        "occurred_on": "yesterday",
        "amount": "lots",
        "unknown_field": True,
    }
    chinese = _messages(admin.post("/api/v1/cases", json=body, headers=ZH))
    assert chinese, "the body was refused field by field"
    for field, message in chinese.items():
        assert not PYDANTIC_ENGLISH.search(message), (field, message)
        assert not CODES.search(message), (field, message)
        assert re.search("[\u4e00-\u9fff]", message), (field, message)
    english = _messages(admin.post("/api/v1/cases", json=body, headers=EN))
    assert all(re.fullmatch(r"[ -~]+", m) for m in english.values()), english


def test_a_type_without_a_message_gets_the_general_one_never_pydantic_english():
    set_locale("zh_CN")
    errors = field_errors(
        [
            {"type": "complex_str_parsing", "loc": ("body", "x"), "msg": "Input should be..."},
            {"type": "float_parsing", "loc": ("query", "y"), "msg": "Input should be a number"},
            {
                "type": "enum",
                "loc": ("body", "status"),
                "msg": "Input should be 'open' or 'resolved'",
                "ctx": {"expected": "'open', 'in_progress', 'resolved', 'referred' or 'closed'"},
            },
        ]
    )
    rendered = {e.field: e.render()["message"] for e in errors}
    assert rendered["x"] == "该值无效。"
    assert "Input" not in rendered["y"]
    assert "已解决" in rendered["status"] and "resolved" not in rendered["status"]


def test_problem_details_show_enum_parameters_by_their_labels():
    error = InvalidTransition(
        _("A case cannot go from {old} to {new}."),
        params={"old": CaseStatus.RESOLVED, "new": CaseStatus.OPEN},
    )
    set_locale("zh_CN")
    chinese = error.render()["detail"]
    assert "已解决" in chinese and "resolved" not in chinese
    set_locale("en")
    assert error.render()["detail"] == "A case cannot go from Resolved to Not yet handled."
    set_locale("zh_CN")
