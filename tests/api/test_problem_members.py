"""problem+json's standard members are the problem's own: `status` is the HTTP code.

Data about the thing in conflict goes in extension members (`claim_status`,
`current_version`, `import_status`, ...); an extension never replaces a standard member.
"""

from api.errors import STANDARD_MEMBERS, AppError, all_problem_types


def test_extensions_never_replace_standard_members():
    clash = dict.fromkeys(STANDARD_MEMBERS, "from extra")
    for cls in all_problem_types():
        problem = cls.__new__(cls)
        AppError.__init__(problem, extra={**clash, "claim_status": "raised"})
        body = problem.render(instance="/api/v1/x", request_id="r1")
        assert (body["type"], body["status"]) == (cls.type_uri(), cls.status), cls
        assert (body["instance"], body["request_id"]) == ("/api/v1/x", "r1"), cls
        assert body["claim_status"] == "raised"
        assert "errors" not in body and "detail" not in body, cls


def test_a_claim_step_out_of_turn_keeps_the_http_status(world, login):
    admin = login("wushan.admin")
    claims = admin.get("/api/v1/subsidy-claims", params={"status": "raised"}).json()["items"]
    assert claims, "the demo raises claims"
    claim = claims[0]
    response = admin.post(
        f"/api/v1/subsidy-claims/{claim['id']}/approve", json={"version": claim["version"]}
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["claim_status"]) == (409, "raised")
