"""schemathesis over the whole API, as a county admin and a receiving bureau's admin:
no server errors, and every status and media type answered is one the OpenAPI document
declares. Bounded (a few examples per operation and mode); path ids are drawn from the
caller's own records in positive mode so the routes are exercised past their 404s."""

import collections
import contextlib
import time
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

pytestmark = pytest.mark.postgres_only

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
SIGNS_OUT = {"/api/v1/auth/revoke"}  # would end the caller's token for every later case

# Path parameter → the list that holds such ids (the caller's own records).
LISTS = {
    "laborer_id": "/api/v1/laborers",
    "employer_id": "/api/v1/employers",
    "vacancy_id": "/api/v1/vacancies",
    "referral_id": "/api/v1/referrals",
    "placement_id": "/api/v1/placements",
    "policy_id": "/api/v1/subsidy-policies",
    "claim_id": "/api/v1/subsidy-claims",
    "batch_id": "/api/v1/payment-batches",
    "fair_id": "/api/v1/fairs",
    "training_id": "/api/v1/trainings",
    "case_id": "/api/v1/cases",
    "warning_id": "/api/v1/warnings",
    "organization_id": "/api/v1/organizations",
    "pairing_id": "/api/v1/pairings",
    "membership_id": "/api/v1/members",
}


def _known_ids(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    me = user.get("/api/v1/me").json()
    found = {}
    for name, url in LISTS.items():
        body = user.get(url).json()
        rows = body["items"] if isinstance(body, dict) else body
        # Not the caller's own membership: a PATCH there could sign them out of the run.
        rows = [r for r in rows if r.get("username") != me.get("username")]
        if rows:
            found[name] = rows[0]["id"]
    return found


def _exercise(operation, mode, known, user, statuses, failures, samples) -> None:  # type: ignore[no-untyped-def]
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case):  # type: ignore[no-untyped-def]
        if mode is GenerationMode.POSITIVE and case.path_parameters:
            for name in case.path_parameters:
                if name in known:
                    case.path_parameters[name] = known[name]
        try:
            response = case.call(headers=user.headers)
        except Exception as exc:  # the test client re-raises what the app did not handle
            key = (operation.label, 500, f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
            failures[key] += 1
            samples.setdefault(key, "")
            return
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:
            for part in getattr(exc, "exceptions", [exc]):
                key = (operation.label, response.status_code, str(part).splitlines()[0])
                failures[key] += 1
                samples.setdefault(key, response.text[:400])

    with contextlib.suppress(Unsatisfiable):  # an operation without inputs has no negatives
        check()


def _run(app, user, failures, samples) -> collections.Counter:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    known = _known_ids(user)
    statuses: collections.Counter = collections.Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SIGNS_OUT:
            continue
        for mode in EXAMPLES:
            _exercise(operation, mode, known, user, statuses, failures, samples)
    return statuses


@pytest.mark.parametrize("username", ["wushan.admin", "yantai.admin"])
def test_the_api_answers_only_what_it_documents(world, login, username):
    user = login(username)
    failures: collections.Counter = collections.Counter()
    samples: dict = {}
    started = time.monotonic()
    statuses = _run(world.app(), user, failures, samples)
    elapsed = time.monotonic() - started
    report = "\n".join(f"{key} ×{n}: {samples[key]}" for key, n in sorted(failures.items()))
    assert not failures, report
    # The run reached past authentication and validation, into the routes themselves.
    assert statuses[200] > 50 and statuses[404] and statuses[422], statuses
    assert elapsed < 180, elapsed


def test_signing_out_is_documented(world, login):
    """/auth/revoke, left out above (it ends the token), answers what it declares."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app())
    operation = schema["/api/v1/auth/revoke"]["POST"]
    user = login("wushan.staff")
    for headers in (user.headers, user.headers, {"Authorization": f"Bearer {uuid.uuid4()}"}):
        case = operation.Case()
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
    assert response.status_code == 401
