"""Minimal reproducers of what fuzzing found in mock_idx (each was a 500), kept as regression tests."""

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


@pytest.mark.parametrize(
    "path",
    [
        "/idp/idx/introspect",
        "/idp/idx/identify",
        "/_mock/v1/clock/advance",
        "/_mock/v1/users/someone@example.com/push/approve",
    ],
)
def test_deeply_nested_json_is_a_400_not_a_500(server: MockIdxServer, http: requests.Session, path: str):
    response = http.post(server.url + path, data=deep(), headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


def test_a_form_in_an_unknown_charset_is_a_400_not_a_500(server: MockIdxServer, http: requests.Session):
    response = http.post(
        f"{server.url}/oauth2/default/v1/token",
        data=b"grant_type=x",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=bogus"},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request", response.text


def test_basic_credentials_that_are_not_utf8_are_a_400_not_a_500(server: MockIdxServer, http: requests.Session):
    """requests sends the header in Latin-1: bytes that are not UTF-8, refused before any handler decodes them."""
    response = http.post(
        f"{server.url}/oauth2/default/v1/interact",
        data={"redirect_uri": "http://a/cb"},
        headers={"Authorization": "Basic \xe9t\xe9"},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request", response.text
    assert "Authorization" in response.json()["error_description"]


def test_basic_credentials_that_are_utf8_but_not_ascii_are_a_401_not_a_500(server: MockIdxServer):
    """Valid UTF-8 that is not base64: the client is simply not authenticated."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(server.url)
    assert address.hostname is not None
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("POST", "/oauth2/default/v1/interact")
        connection.putheader("Authorization", "Basic été".encode())
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", "0")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 401 and b"invalid_client" in body, body


def test_a_scenario_nested_too_deeply_is_refused_with_a_400(server: MockIdxServer, http: requests.Session):
    response = http.put(
        f"{server.url}/_mock/v1/scenario", data=deep(20_000), headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 400, response.text
