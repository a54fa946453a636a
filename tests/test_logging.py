"""Logs are JSON lines with the request id; personal data never reaches them."""

import json
import logging

from api.logging_setup import configure_logging
from api.security.masking import mask_id_number, mask_phone, mask_record, mask_text


def test_masking_functions():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_text("身份证 11010519491231002X 电话 13812345678") == (
        "身份证 110105********002X 电话 138****5678"
    )
    assert mask_text("order 2021000000000000001 ok") == "order 2021000000000000001 ok"
    assert mask_record({"id_number": "11010519491231002X", "password_hash": "x", "n": 1}) == {
        "id_number": "110105********002X",
        "n": 1,
    }


def test_log_lines_are_json_with_request_id_and_masked(capsys, client, login):
    configure_logging("INFO", json_lines=True)
    login("wushan.admin").get("/api/v1/me", headers={"X-Request-ID": "log-test-0001"})
    logging.getLogger("laborbridge.test").warning(
        "found %s at %s", "11010519491231002X", "13812345678"
    )
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    access = [line for line in lines if line["logger"] == "laborbridge.access"]
    assert any(
        line["request_id"] == "log-test-0001" and "/api/v1/me" in line["message"] for line in access
    )
    warning = next(line for line in lines if line["logger"] == "laborbridge.test")
    assert warning["message"] == "found 110105********002X at 138****5678"
    assert "11010519491231002X" not in "".join(json.dumps(line) for line in lines)
