"""The control API, fuzzed by schemathesis from its own OpenAPI description (``/_mock/v1/openapi.json``): valid and
invalid inputs for every operation, every answer checked against the description, no 5xx, no traceback.

Fault rules are the one control whose job is to make later requests fail, so they are cleared after every case; an
answer that a rule failed on purpose is recognised by its ``errorId`` and is not a finding.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from mock_idx.testing import MockIdxServer
from mock_idx.web.openapi import OPENAPI_FILE, model_schemas
from tests.fuzz.invariants import LEAKS, still_signs_in

EXAMPLES_PER_OPERATION = 30
SCENARIO_EXAMPLES = 8
SCENARIO_TIMEOUT = 360
"""Seconds for the scenario fuzz: the scenario format's schema (authorization servers, authenticators, password
policy) is large, and making 8 whole orgs from it takes hypothesis most of the default 120 s on a busy 2-core
machine. The work is bounded by the examples, not by the timeout."""
INJECTED = "oaeFault"

EXCLUDED_CHECKS = [schemathesis.checks.not_a_server_error]
"""Replaced by :func:`no_server_error_unless_injected`."""
MODEL_BODIES = {"PUT /users/{login}", "PUT /users/{login}/groups", "POST /faults", "PUT /scenario"}
"""Bodies validated by pydantic, which coerces ``"1"`` to ``1`` and ``1`` to ``True``: schemathesis's "schema-violating
request accepted" check would report every coercion (reported to the lead: ``strict=True`` on the models)."""
SEMANTIC = {
    "PUT /scenario",
    "PUT /users/{login}",
    "POST /users/{login}/okta-verify/activate",
    "POST /users/{login}/lifecycle/activate",
    "POST /users/{login}/lifecycle/suspend",
    "POST /users/{login}/lifecycle/unsuspend",
    "POST /users/{login}/lifecycle/deactivate",
    "POST /users/{login}/lock",
    "POST /users/{login}/expire-password",
    "POST /users/{login}/lifecycle/expire_password",
}
"""Also refused beyond the schema (a login listed twice, an unknown Faker locale; a phone number that is no number, an
unknown security question, an answer Okta's rules refuse; a sign-up form that does not ask for the email; text that
is no activation URI; a lifecycle operation, a lock or a password expiry the user's status does not allow)."""

GENERATED_USERS = 5
"""A scenario may ask Faker for up to 10,000 users; the fuzz asks for a few, so each case stays fast."""


def _description() -> dict[str, Any]:
    """The shipped description, which is what the server serves (checked below). Read from the file because
    schemathesis's lazy loader (``from_fixture``) does not work with pytest 9, and the server's URL is only known once
    the fixture runs."""
    document: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    document["components"]["schemas"]["GenerateSpec"]["properties"]["count"]["maximum"] = GENERATED_USERS
    return document


schema = schemathesis.openapi.from_dict(_description())


def no_server_error_unless_injected(ctx, response, case) -> None:
    if response.status_code >= 500:
        assert INJECTED in response.text, f"{response.status_code} from {case.method} {case.formatted_path}"


def no_traceback(ctx, response, case) -> None:
    assert not any(leak in response.text for leak in LEAKS), response.text[:500]


SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)


@schema.exclude(method="PUT", path="/scenario").parametrize()
@settings(SETTINGS, max_examples=EXAMPLES_PER_OPERATION)
def test_every_control_operation_answers_as_described(case, server: MockIdxServer, http: requests.Session):
    _call_and_check(case, server, http)


@schema.include(method="PUT", path="/scenario").parametrize()
@settings(SETTINGS, max_examples=SCENARIO_EXAMPLES)
@pytest.mark.timeout(SCENARIO_TIMEOUT)
def test_scenarios_are_applied_or_refused_as_described(case, server: MockIdxServer, http: requests.Session):
    """A whole org per case (YAML or JSON, Faker users): the costliest operation, so fewer examples."""
    _call_and_check(case, server, http)


def _call_and_check(case, server: MockIdxServer, http: requests.Session) -> None:
    try:
        response = case.call(base_url=f"{server.url}/_mock/v1")
        case.validate_response(
            response,
            excluded_checks=_excluded(case.operation.label),
            additional_checks=[no_server_error_unless_injected, no_traceback],
        )
    finally:
        http.delete(f"{server.url}/_mock/v1/faults").raise_for_status()


def _excluded(operation: str) -> list[schemathesis.CheckFunction]:
    excluded: list[schemathesis.CheckFunction] = list(EXCLUDED_CHECKS)
    if operation in MODEL_BODIES:
        excluded.append(negative_data_rejection)
    if operation in SEMANTIC:
        excluded.append(positive_data_acceptance)
    return excluded


def test_the_server_serves_the_shipped_description(server: MockIdxServer, http: requests.Session):
    served = http.get(f"{server.url}/_mock/v1/openapi.json")
    assert served.status_code == 200 and served.headers["Content-Type"].startswith("application/json")
    assert served.json() == json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def test_a_normal_sign_in_still_works_after_the_control_api_was_fuzzed(server: MockIdxServer, http: requests.Session):
    assert http.post(f"{server.url}/_mock/v1/reset", json={}).status_code == 200
    assert "id_token" in still_signs_in(server.url)


def test_the_description_holds_the_models_current_schemas():
    """Request bodies are the pydantic models' own schemas; after changing a model run
    ``python -m mock_idx.web.openapi`` to copy them in."""
    shipped = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
    for name, schema in model_schemas().items():
        assert shipped[name] == schema, f"{name} is stale: run python -m mock_idx.web.openapi"


def test_every_control_route_is_described(server: MockIdxServer):
    described = {
        (method.upper(), "/_mock/v1" + path)
        for path, item in _description()["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert server.app is not None
    routes = {
        (route.method, route.resource.canonical)
        for route in server.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/_mock/v1/") and route.method != "HEAD"
    }
    assert routes == described
