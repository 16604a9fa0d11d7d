"""Minimal reproducers of what the fuzzing found in mock_idx, each with the fix proposed to the lead.

They are ``xfail(strict=True)``: the suite stays green while a bug is open, and the test turns red the moment the bug
is fixed, as a reminder to drop its marker and widen the matching ``KNOWN_BUG_*`` input in strategies.py.
"""

from __future__ import annotations

import pytest
import requests

from mock_idx.testing import MockIdxServer

MAX_BODY = 64 * 1024


def deep(depth: int = 30_000) -> bytes:
    """Valid JSON nested past Python's recursion limit, still under the 64 KiB body limit."""
    body = b"[" * depth + b"]" * depth
    assert len(body) < MAX_BODY
    return body


def open_bug(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


@open_bug("json.loads raises RecursionError, which requests.json_object does not catch: 500 instead of 400. "
          "Fix: catch RecursionError with ValueError there (and in control._optional_object, faults._body).")
@pytest.mark.parametrize("path", ["/idp/idx/introspect", "/idp/idx/identify", "/_mock/v1/clock/advance",
                                  "/_mock/v1/users/someone@example.com/push/approve"])
def test_deeply_nested_json_is_a_400_not_a_500(server: MockIdxServer, http: requests.Session, path: str):
    response = http.post(server.url + path, data=deep(), headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


@open_bug("aiohttp's request.post() raises LookupError for an unknown charset, which requests.oauth_form does not "
          "catch: 500. Fix: except (ValueError, LookupError) there (and in faults._body).")
def test_a_form_in_an_unknown_charset_is_a_400_not_a_500(server: MockIdxServer, http: requests.Session):
    response = http.post(f"{server.url}/oauth2/default/v1/token", data=b"grant_type=x",
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=bogus"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request", response.text


@open_bug("base64.b64decode raises a plain ValueError (not binascii.Error) for non-ASCII input, which "
          "oauth_routes._client_id does not catch: 500. Fix: except (ValueError, UnicodeDecodeError) there.")
def test_basic_credentials_that_are_not_ascii_are_a_401_not_a_500(server: MockIdxServer, http: requests.Session):
    response = http.post(f"{server.url}/oauth2/default/v1/interact", data={"redirect_uri": "http://a/cb"},
                         headers={"Authorization": "Basic \xe9t\xe9"})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client", response.text



@open_bug("yaml.safe_load recurses once per nesting level and raises RecursionError, which neither "
          "scenario.referenced_name nor the line-numbered checking in yaml_check catches: 500 (and a traceback from "
          "`mock-idx validate`). Fix: catch RecursionError with yaml.YAMLError there, as a problem 'nested too deeply'.")
def test_a_scenario_nested_too_deeply_is_refused_with_a_400(server: MockIdxServer, http: requests.Session):
    response = http.put(f"{server.url}/_mock/v1/scenario", data=deep(20_000),
                        headers={"Content-Type": "application/yaml"})
    assert response.status_code == 400, response.text
