"""``add_user`` with any set of authenticators, and ``set_authenticators``: the org's policy from a test, through the
plugin's ``mock_idx`` fixture (the control client users get), checked by what a sign-in then asks for."""

from __future__ import annotations

from datetime import datetime

import pyotp
import pytest

from mock_idx import ControlApiError
from mock_idx.pytest_plugin import MockIdx
from tests.support.idx_app import IdxApp

EVERY_ONE_OPTIONAL = {
    "okta_password": "required",
    "okta_verify": "optional",
    "okta_email": "optional",
    "phone_number": "optional",
    "google_otp": "optional",
    "security_question": "optional",
}
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_add_user_enrolls_every_authenticator_given_and_returns_what_tests_need(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(
        "all@example.com",
        email=True,
        phone="+1 201-555-0123",
        google_authenticator=True,
        security_question=("disliked_food", "brussels sprouts"),
    )
    assert user.email == "all@example.com"
    assert user.phone == "+12015550123"
    assert user.google_secret and pyotp.TOTP(user.google_secret).now().isdigit()
    assert user.security_question == "What is the food you least liked as a child?"
    assert user.security_answer == "brussels sprouts"
    assert user.totp_secret  # Okta Verify, as before
    stored = mock_idx.user("all@example.com")["authenticators"]
    assert set(stored) == {"okta_verify", "email", "phone", "google_authenticator", "security_question"}
    assert stored["google_authenticator"]["secret"] == user.google_secret
    assert "answer" not in stored["security_question"]  # the server never shows an answer back


def test_add_user_takes_a_google_secret_and_a_custom_question(mock_idx: MockIdx) -> None:
    question = {"question_key": "custom", "question": "Which street did you grow up on?", "answer": "Elm Street"}
    user = mock_idx.add_user(google_authenticator=SECRET, security_question=question, okta_verify=False)
    assert user.google_secret == SECRET
    assert user.security_question == "Which street did you grow up on?" and user.security_answer == "Elm Street"
    assert user.totp_secret is None and user.email is None and user.phone is None
    assert set(mock_idx.user(user.login)["authenticators"]) == {"google_authenticator", "security_question"}


def test_a_user_given_nothing_has_enrolled_nothing(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(okta_verify=False)
    assert mock_idx.user(user.login)["authenticators"] == {}
    assert (user.email, user.phone, user.google_secret, user.security_question) == (None, None, None, None)


@pytest.mark.parametrize(
    ("enrolled", "refused_because"),
    [
        ({"phone": "+1 555-555-5555"}, "phone"),  # no such area code: libphonenumber refuses it
        ({"security_question": ("disliked_food", "abc")}, "at least 4 characters"),
        ({"security_question": ("no_such_question", "an answer")}, "unknown security question"),
        ({"google_authenticator": "not base32!"}, "secret"),
    ],
)
def test_an_authenticator_okta_would_refuse_is_refused_and_no_user_is_made(
    mock_idx: MockIdx, enrolled: dict[str, object], refused_because: str
) -> None:
    with pytest.raises(ControlApiError) as refused:
        mock_idx.add_user("refused@example.com", **enrolled)  # type: ignore[arg-type]
    assert refused.value.status == 400 and refused_because in str(refused.value)
    with pytest.raises(ControlApiError) as missing:
        mock_idx.user("refused@example.com")
    assert missing.value.status == 404


def test_a_security_question_is_a_pair_or_a_dict(mock_idx: MockIdx) -> None:
    with pytest.raises(TypeError, match="question_key, answer"):
        mock_idx.add_user(security_question=("disliked_food",))  # type: ignore[arg-type]


def test_set_authenticators_keeps_the_users_added_with_their_secrets(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.add_user("before@example.com", "Passw0rd-before", okta_verify=False)
    ga = mock_idx.add_user("ga@example.com", "Passw0rd-ga", google_authenticator=True, okta_verify=False)
    mock_idx.set_authenticators(EVERY_ONE_OPTIONAL, sign_on="two_factors")
    assert {user["login"] for user in mock_idx.users()} == {"before@example.com", "ga@example.com"}
    assert mock_idx.user("ga@example.com")["authenticators"]["google_authenticator"]["secret"] == ga.google_secret
    code = lambda: pyotp.TOTP(ga.google_secret or "").now()  # noqa: E731
    assert app.sign_in(ga.login, ga.password, authenticator="google_otp", code=code).status == "success"


def test_set_authenticators_keeps_what_users_enrolled_while_signing_in(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.set_authenticators({"okta_password": "required", "phone_number": "required"}, sign_on="one_factor")
    user = mock_idx.add_user(okta_verify=False, security_question=("disliked_food", "brussels sprouts"))
    text = lambda: mock_idx.last_code(user.login, "sms")  # noqa: E731
    enrolled = app.sign_in(user.login, user.password, enroll="phone_number", phone="+1 201-555-0142", code=text)
    assert enrolled.status == "success"
    mock_idx.set_authenticators(EVERY_ONE_OPTIONAL, sign_on="when_enrolled")
    kept = mock_idx.user(user.login)["authenticators"]
    assert set(kept) == {"phone", "security_question"} and kept["phone"]["number"] == "+12015550142"
    answered = app.sign_in(user.login, user.password, authenticator="security_question", answer="Brussels sprouts")
    assert answered.status == "success"  # the answer add_user gave is kept with the question
    assert app.sign_in(user.login, user.password, authenticator="phone_number", code=text).status == "success"


def test_set_authenticators_puts_the_policy_in_force(mock_idx: MockIdx, app: IdxApp) -> None:
    """Before: the default org, where an enrolled email is never asked for; after: a required email is enrolled."""
    user = mock_idx.add_user(okta_verify=False)
    assert app.sign_in(user.login, user.password).status == "success"  # password only: nothing else in the org
    assert mock_idx.messages(user.login) == []
    mock_idx.set_authenticators({"okta_password": "required", "okta_email": "required"}, sign_on="one_factor")
    not_enrolling = app.sign_in(user.login, user.password)
    assert not_enrolling.status == "failed"  # the app stops at select-authenticator-enroll: email is required
    enrolled = app.sign_in(user.login, user.password, enroll="okta_email", code=lambda: mock_idx.last_code(user.login))
    assert enrolled.status == "success"
    assert "email" in mock_idx.user(user.login)["authenticators"]


def test_email_second_factor_by_code_in_the_authenticators_scenario(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("authenticators")
    user = mock_idx.add_user(email=True, okta_verify=False)
    code = lambda: mock_idx.last_code(user.login)  # noqa: E731
    assert app.sign_in(user.login, user.password, authenticator="okta_email", code=code).status == "success"


def test_identifier_first_asks_for_the_password_on_its_own(mock_idx: MockIdx, app: IdxApp) -> None:
    user = mock_idx.add_user(okta_verify=False)
    mock_idx.set_authenticators(identifier_first=True, sign_on="one_factor")
    assert app.sign_in(user.login, user.password).status == "success"
    assert app.sign_in(user.login, "not-the-password").status == "failed"
    journal = mock_idx.journal()
    identify = [entry for entry in journal if entry["path"] == "/idp/idx/identify"]
    answers = [entry for entry in journal if entry["path"] == "/idp/idx/challenge/answer"]
    assert len(identify) == 2 and [entry["status"] for entry in answers] == [200, 401]


def test_code_lifetime_is_the_policys(mock_idx: MockIdx) -> None:
    mock_idx.set_authenticators(EVERY_ONE_OPTIONAL, code_lifetime=60, activation_lifetime=120)
    user = mock_idx.add_user(email=True, okta_verify=False)
    app = IdxApp(mock_idx.issuer)
    assert app.sign_in(user.login, user.password, authenticator="okta_email").status == "failed"  # no code typed
    sent = mock_idx.messages(user.login, "email")[0]
    lifetime = datetime.fromisoformat(sent["expires_at"]) - datetime.fromisoformat(sent["sent_at"])
    assert lifetime.total_seconds() == pytest.approx(60)


def test_a_refused_policy_leaves_the_org_as_it_was(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(email=True)
    before = mock_idx.users()
    with pytest.raises(ControlApiError) as refused:
        mock_idx.set_authenticators({"okta_password": "optional"})
    assert refused.value.status == 400 and "always required" in str(refused.value)
    with pytest.raises(ControlApiError):
        mock_idx.set_authenticators(sign_on="three_factors")
    assert mock_idx.users() == before and mock_idx.user(user.login)["authenticators"]["email"]


def test_after_reset_or_a_scenario_the_client_forgets_the_users_it_added(mock_idx: MockIdx) -> None:
    mock_idx.add_user("gone@example.com")
    mock_idx.reset()
    mock_idx.set_authenticators(EVERY_ONE_OPTIONAL)
    assert [user["login"] for user in mock_idx.users()] == []
    mock_idx.add_user("also.gone@example.com")
    mock_idx.load_scenario("totp")
    mock_idx.set_authenticators(EVERY_ONE_OPTIONAL)
    assert [user["login"] for user in mock_idx.users()] == []
