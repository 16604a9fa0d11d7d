"""Pure security helpers of the web app."""

from __future__ import annotations

import pytest

from reference_client.idx import IdxContext
from reference_client.security import safe_local_path


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/ok\r\nSet-Cookie: x=1",
        "",
        None,
        42,
        "relative/path",
    ],
)
def test_only_local_paths_are_accepted_as_redirect_targets(target):
    assert safe_local_path(target) == "/"


@pytest.mark.parametrize("target", ["/", "/okta-verify/push-sent", "/account?tab=claims#top"])
def test_local_paths_pass_unchanged(target):
    assert safe_local_path(target) == target


def test_context_from_a_tampered_session_is_ignored():
    good = IdxContext("handle", "verifier", "nonce")
    assert IdxContext.from_dict(good.to_dict()) == good
    assert IdxContext.from_dict({"interaction_handle": "h"}) is None
    assert IdxContext.from_dict({**good.to_dict(), "extra": 1}) is None
    assert IdxContext.from_dict("not a dict") is None
