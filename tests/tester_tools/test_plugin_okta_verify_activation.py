"""``mock_idx.activate_okta_verify(login, uri=None)``: the plugin's phone adds the account a sign-in's Okta Verify
enrollment offers, by the newest pending activation or by the QR code's URI, and refuses a used one. Activations are
started the way the enroll step starts them (``engine.activations.start`` on the server's loop); the control token is
on, so the client's bearer token is exercised too."""

from __future__ import annotations

import pyotp
import pytest

from mock_idx.control_client import ControlApiError
from mock_idx.model.activation import OktaVerifyActivation, activation_link, activation_uri
from mock_idx.pytest_plugin import MockIdx
from mock_idx.web.app_keys import ENGINE

pytestmark = pytest.mark.mock_idx(control_token="plugin-secret")


def start_activation(mock_idx: MockIdx, login: str, channel: str = "qrcode") -> OktaVerifyActivation:
    assert mock_idx.server.app is not None
    engine = mock_idx.server.app[ENGINE]

    async def start() -> OktaVerifyActivation:
        return await engine.activations.start(login, "txn-enrolling", channel, await engine.now())

    activation: OktaVerifyActivation = mock_idx.server.call(start)
    return activation


def test_activating_the_newest_pending_enrollment(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(okta_verify=False)
    start_activation(mock_idx, user.login)

    enrollment = mock_idx.activate_okta_verify(user.login)

    assert enrollment["methods"] == ["push", "totp"] and enrollment["push"]["outcome"] == "manual"
    assert mock_idx.totp_code(user.login) == pyotp.TOTP(enrollment["totp"]["secret"]).now()
    with pytest.raises(ControlApiError) as refused:
        mock_idx.activate_okta_verify(user.login)
    assert refused.value.status == 409


def test_activating_by_the_qr_code_s_uri_or_the_link(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(okta_verify=False)
    by_qr = start_activation(mock_idx, user.login)
    by_link = start_activation(mock_idx, user.login, "email")

    mock_idx.activate_okta_verify(user.login, activation_uri(mock_idx.url, by_qr.token, by_qr.login))
    mock_idx.activate_okta_verify(user.login, activation_link(mock_idx.url, by_link.token, by_link.login))

    with pytest.raises(ControlApiError) as refused:
        mock_idx.activate_okta_verify(user.login)
    assert refused.value.status == 409, "both were used; the newest one is refused as used"


def test_nothing_pending_is_404(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(okta_verify=False)
    with pytest.raises(ControlApiError) as refused:
        mock_idx.activate_okta_verify(user.login)
    assert refused.value.status == 404
