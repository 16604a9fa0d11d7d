"""The scenario schema: the shipped JSON Schema matches the models, and broken files are refused with every problem
named by field and line (by the validator, the CLI, and the control API, which then keeps the running scenario)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from mock_idx import cli, scenario
from mock_idx.control_client import MockIdxError
from mock_idx.pytest_plugin import MockIdx
from mock_idx.schema import SCHEMA_FILE, render
from tests.support.idx import okta_verify_of

BROKEN = """\
description: three mistakes
settings:
  poll_refresh_ms: 10
users:
  - login: ann@example.com
    password: pw
    authenticators:
      okta_verify:
        push:
          outcome: maybe
  - login: ANN@example.com
    pasword: typo
faults:
  - route: /idp/idx/authenticators/poll
    status: 404
"""


def test_shipped_json_schema_is_up_to_date_with_the_models() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), "run: python -m mock_idx.schema"


def test_shipped_scenarios_validate_against_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    for name in scenario.builtin_names():
        data = yaml.safe_load(scenario.builtin_path(name).read_text())
        assert list(validator.iter_errors(data)) == [], name
    assert list(validator.iter_errors(yaml.safe_load(BROKEN)))


def test_every_problem_is_reported_with_its_line_and_field() -> None:
    problems = [str(p) for p in scenario.validate_text(BROKEN)]
    assert problems == [
        "3: settings.poll_refresh_ms: Input should be greater than or equal to 50",
        "10: users.0.authenticators.okta_verify.push.outcome: Input should be 'manual', 'approve', 'deny' or 'timeout'",
        "11: users.1.login: 'ANN@example.com' is already users.0",
        "11: users.1.password: Field required",
        "12: users.1.pasword: Extra inputs are not permitted",
        "15: faults.0.status: Value error, status must be 429 or a 5xx",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("users: [\n  {login: a\n", "3: (yaml): not valid YAML"),
        ("- just\n- a list\n", "1: (top level): Input should be a valid dictionary"),
        (
            "generate:\n  - count: 0\n    password: pw\n",
            "2: generate.0.count: Input should be greater than or equal to 1",
        ),
        ("generate:\n  - count: 2\n", "2: generate.0.password: Field required"),
        (
            "generate:\n  - count: 2\n    password: pw\n    locale: xx_XX\n",
            "4: generate.0.locale: Value error, unknown Faker locale 'xx_XX'",
        ),
        ("faults:\n  - route: /x\n    drop: true\n    status: 500\n", "2: faults.0: Value error, a dropped connection"),
        ("faults:\n  - route: /x\n", "2: faults.0: Value error, a rule needs status, delay_ms or drop"),
        (
            "users:\n  - login: t@example.com\n    password: pw\n    authenticators:\n      okta_verify:\n"
            "        totp: {secret: SHORT}\n",
            "6: users.0.authenticators.okta_verify.totp.secret: String should match",
        ),
    ],
)
def test_single_problems_are_located(text: str, expected: str) -> None:
    problems = [str(p) for p in scenario.validate_text(text)]
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_parse_raises_with_every_problem() -> None:
    with pytest.raises(scenario.ScenarioError) as caught:
        scenario.parse(BROKEN, source="broken.yaml")
    assert len(caught.value.problems) == 6
    assert str(caught.value).startswith("broken.yaml is invalid:\n  line 3: settings.poll_refresh_ms")


def test_cli_validate_prints_each_problem_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken, fine = tmp_path / "broken.yaml", scenario.builtin_path("push-denied")
    broken.write_text(BROKEN)
    assert cli.main(["validate", str(fine), str(broken)]) == 1
    out, err = capsys.readouterr()
    assert f"{fine}: ok" in out
    assert err.splitlines()[0] == f"{broken}:3: settings.poll_refresh_ms: Input should be greater than or equal to 50"
    assert len(err.splitlines()) == 6


def test_unknown_builtin_names_and_paths_outside_are_refused() -> None:
    for name in ("nope", "../pyproject", "manual-tap/../mixed"):
        with pytest.raises(scenario.UnknownScenario, match="there are: authenticators, manual-tap, mixed"):
            scenario.builtin_path(name)


def test_generated_users_are_reproducible_and_never_replace_listed_ones() -> None:
    text = (
        "users:\n  - login: {login}\n    password: listed\n"
        "generate:\n  - {{count: 5, seed: 7, password: pw, domain: corp.test, push: {{outcome: deny}}}}\n"
    )
    first = scenario.parse(text.format(login="x@example.com")).to_users()
    again = scenario.parse(text.format(login="x@example.com")).to_users()
    logins = [u.login for u in first]
    assert logins == [u.login for u in again] and len(set(logins)) == 6
    assert [okta_verify_of(u).totp_secret for u in first[1:]] == [okta_verify_of(u).totp_secret for u in again[1:]]
    assert all(login.endswith("@corp.test") and login.isascii() for login in logins[1:])
    assert {okta_verify_of(u).push.outcome.value for u in first[1:]} == {"deny"}
    clash = scenario.parse(text.format(login=logins[1])).to_users()
    assert clash[0].password == "listed" and len({u.login for u in clash}) == 6
    other_seed = scenario.parse(text.format(login="x@example.com").replace("seed: 7", "seed: 8")).to_users()
    assert [u.login for u in other_seed] != logins


def test_login_for_makes_typeable_unique_logins() -> None:
    taken: set[str] = set()
    assert scenario.login_for("José", "Núñez-Ortiz", "example.com", taken) == "jose.nunezortiz@example.com"
    assert scenario.login_for("José", "Núñez-Ortiz", "example.com", taken) == "jose.nunezortiz2@example.com"


def test_control_api_refuses_a_broken_scenario_and_keeps_the_running_one(mock_idx: MockIdx) -> None:
    mock_idx.load_scenario("push-denied")
    with pytest.raises(MockIdxError) as caught:
        mock_idx._call("PUT", "/scenario", text=BROKEN)
    assert caught.value.status == 400
    assert caught.value.body["errors"][0] == {
        "line": 3,
        "field": "settings.poll_refresh_ms",
        "message": "Input should be greater than or equal to 50",
    }
    assert "line 15: faults.0.status" in str(caught.value)
    assert [u["login"] for u in mock_idx.users()] == ["deny@example.com"]


def test_control_api_takes_yaml_json_and_builtin_names(mock_idx: MockIdx) -> None:
    yaml_text = "users:\n  - login: y@example.com\n    password: pw\n"
    assert mock_idx._call("PUT", "/scenario", text=yaml_text)["users"] == ["y@example.com"]
    as_json = json.dumps(
        {"users": [{"login": "j@example.com", "password": "pw"}], "faults": [{"route": "/v1/x", "status": 503}]}
    )
    answer = mock_idx._call("PUT", "/scenario", text=as_json)
    assert answer["users"] == ["j@example.com"] and answer["faults"][0]["status"] == 503
    assert mock_idx._call("PUT", "/scenario", {"name": "totp"})["users"] == ["totp@example.com"]
    for body, status in (({"name": "../pyproject"}, 404), ({}, 400)):
        with pytest.raises(MockIdxError) as caught:
            mock_idx._call("PUT", "/scenario", text="" if body == {} else json.dumps(body))
        assert caught.value.status == status
    assert [u["login"] for u in mock_idx.users()] == ["totp@example.com"]


def test_documented_examples_are_valid_scenarios() -> None:
    """The format example (every field), the authenticators, registration and authorization servers examples."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
    example, authenticators, registration, servers = re.findall(
        r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), flags=re.DOTALL
    )
    assert scenario.validate_text(example) == [] and scenario.validate_text(servers) == []
    assert scenario.validate_text(authenticators) == []
    with_every_authenticator = scenario.parse(authenticators).to_users()[0]
    assert with_every_authenticator.phone is not None and with_every_authenticator.phone.number == "+12015550123"
    assert with_every_authenticator.google is not None and with_every_authenticator.security_question is not None
    loaded = scenario.parse(example)
    assert len(loaded.to_users()) == 21 and len(loaded.to_fault_rules()) == 1
    assert {user.groups for user in loaded.to_users()} == {("Everyone", "Sales"), ("Everyone",)}
    assert scenario.validate_text(registration) == []
    sign_up = scenario.parse(registration).settings.to_policy().registration
    assert sign_up.enabled and sign_up.groups == ("Customers",) and len(sign_up.attributes) == 4
    policy = scenario.parse(servers).settings.to_policy()
    assert policy.authorization_servers == ("default", "orders")
    orders = policy.server_config("orders")
    assert orders.audience == "api://orders" and orders.default_scopes == ("orders:read",)
    assert [claim.name for claim in orders.claims] == ["groups", "tenant", "is_admin", "region"]
    assert [claim.name for claim in policy.server_config(None).claims] == ["groups"]
