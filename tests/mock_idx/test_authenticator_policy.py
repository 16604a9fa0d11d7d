"""What a sign-in needs after the first factor (:func:`mock_idx.model.authenticators.next_need`), for each policy."""

from __future__ import annotations

import pytest

from mock_idx.model.assurance import Assurance
from mock_idx.model.authenticators import (
    AuthenticatorIds,
    AuthenticatorKey,
    AuthenticatorPolicy,
    DenyRule,
    Enrollment,
    Need,
    NeedKind,
    SignOn,
    next_need,
)

PASSWORD = AuthenticatorKey.PASSWORD
OV = AuthenticatorKey.OKTA_VERIFY
EMAIL = AuthenticatorKey.EMAIL
PHONE = AuthenticatorKey.PHONE
GOOGLE = AuthenticatorKey.GOOGLE
QUESTION = AuthenticatorKey.SECURITY_QUESTION


def policy(sign_on: SignOn = SignOn.WHEN_ENROLLED, **rules: Enrollment) -> AuthenticatorPolicy:
    enrollment = [(PASSWORD, Enrollment.REQUIRED)] + [(AuthenticatorKey(k), v) for k, v in rules.items()]
    return AuthenticatorPolicy(enrollment=tuple(enrollment), sign_on=sign_on)


def need(
    org: AuthenticatorPolicy,
    enrolled: set[AuthenticatorKey],
    verified: tuple[AuthenticatorKey, ...] = (PASSWORD,),
    enrolled_here: tuple[AuthenticatorKey, ...] = (),
    skipped: bool = False,
) -> Need:
    return next_need(org, frozenset({PASSWORD, *enrolled}), verified, enrolled_here, skipped)


def test_the_default_policy_is_what_scenarios_before_authenticators_relied_on() -> None:
    org = AuthenticatorPolicy()
    assert need(org, set()) == Need(NeedKind.DONE)
    assert need(org, {OV}) == Need(NeedKind.VERIFY, (OV,))
    assert need(org, {OV}, (PASSWORD, OV)) == Need(NeedKind.DONE)


def test_a_required_authenticator_the_user_lacks_is_enrolled_first() -> None:
    org = policy(okta_email=Enrollment.REQUIRED, okta_verify=Enrollment.REQUIRED)
    assert need(org, set()) == Need(NeedKind.ENROLL, (EMAIL, OV))
    assert need(org, {EMAIL}, (PASSWORD, EMAIL), (EMAIL,)) == Need(NeedKind.ENROLL, (OV,))


def test_optional_ones_come_with_skip_only_after_enrolling_something_in_this_sign_in() -> None:
    org = policy(okta_email=Enrollment.REQUIRED, phone_number=Enrollment.OPTIONAL)
    assert need(org, {EMAIL}) == Need(NeedKind.VERIFY, (EMAIL,))
    after_enrolling = need(org, {EMAIL}, (PASSWORD, EMAIL), (EMAIL,))
    assert after_enrolling == Need(NeedKind.ENROLL, (PHONE,), optional=True)
    assert need(org, {EMAIL}, (PASSWORD, EMAIL), (EMAIL,), skipped=True) == Need(NeedKind.DONE)


def test_disabled_authenticators_are_never_asked_for_even_when_enrolled() -> None:
    org = policy(okta_verify=Enrollment.DISABLED, okta_email=Enrollment.OPTIONAL)
    assert need(org, {OV}) == Need(NeedKind.DONE)
    assert need(org, {OV, EMAIL}) == Need(NeedKind.VERIFY, (EMAIL,))


def test_one_factor_needs_nothing_more() -> None:
    assert need(policy(SignOn.ONE_FACTOR, okta_verify=Enrollment.OPTIONAL), {OV}) == Need(NeedKind.DONE)


def test_two_factor_types_need_possession_and_a_security_question_is_not_one() -> None:
    org = policy(SignOn.TWO_FACTORS, security_question=Enrollment.OPTIONAL, phone_number=Enrollment.OPTIONAL)
    assert need(org, {QUESTION}) == Need(NeedKind.ENROLL, (PHONE,))
    assert need(org, {QUESTION, PHONE}) == Need(NeedKind.VERIFY, (PHONE,))


def test_okta_verify_only_asks_for_okta_verify() -> None:
    org = policy(SignOn.OKTA_VERIFY, okta_email=Enrollment.OPTIONAL, okta_verify=Enrollment.OPTIONAL)
    assert need(org, {EMAIL}) == Need(NeedKind.ENROLL, (OV,))
    assert need(org, {EMAIL, OV}) == Need(NeedKind.VERIFY, (OV,))
    assert need(org, {EMAIL, OV}, (PASSWORD, EMAIL)) == Need(NeedKind.VERIFY, (OV,))


@pytest.mark.parametrize("key", list(AuthenticatorKey))
def test_every_authenticator_has_one_org_id_and_the_id_names_it_back(key: AuthenticatorKey) -> None:
    ids = AuthenticatorIds.derive("autPASSWORD", "autOKTAVERIFY")
    assert ids.of(key).startswith("aut")
    assert ids.key_of(ids.of(key)) is key
    assert ids == AuthenticatorIds.derive("autPASSWORD", "autOKTAVERIFY")  # alike on every replica
    assert ids.key_of("pfdSOMEENROLLMENT") is None


def test_an_apps_level_adds_to_the_policy_and_never_lowers_it() -> None:
    one = policy(SignOn.ONE_FACTOR, okta_email=Enrollment.OPTIONAL, security_question=Enrollment.OPTIONAL)
    two_factors, if_possible = Assurance.ANY_TWO_FACTORS, Assurance.TWO_FACTORS_IF_POSSIBLE
    assert next_need(one, frozenset({PASSWORD, EMAIL}), (PASSWORD,), (), False, two_factors) == Need(
        NeedKind.VERIFY, (EMAIL,)
    )
    assert next_need(one, frozenset({PASSWORD, QUESTION}), (PASSWORD,), (), False, two_factors) == Need(
        NeedKind.ENROLL, (EMAIL,)
    )
    assert next_need(one, frozenset({PASSWORD, QUESTION}), (PASSWORD,), (), False, if_possible) == Need(NeedKind.DONE)
    assert next_need(one, frozenset({PASSWORD, EMAIL}), (PASSWORD, EMAIL), (), False, two_factors) == Need(
        NeedKind.DONE
    )
    strict = policy(SignOn.TWO_FACTORS, okta_email=Enrollment.OPTIONAL)
    lowered = next_need(strict, frozenset({PASSWORD, EMAIL}), (PASSWORD,), (), False, Assurance.ANY_ONE_FACTOR)
    assert lowered == Need(NeedKind.VERIFY, (EMAIL,))


def test_which_levels_an_org_can_meet_at_all() -> None:
    knowledge_only = policy(security_question=Enrollment.OPTIONAL)
    assert not knowledge_only.can_meet(Assurance.ANY_TWO_FACTORS)
    assert knowledge_only.can_meet(Assurance.TWO_FACTORS_IF_POSSIBLE)
    assert policy(okta_verify=Enrollment.OPTIONAL).can_meet(Assurance.ANY_TWO_FACTORS)
    assert not policy(okta_verify=Enrollment.REQUIRED).can_meet(Assurance.PHISHING_RESISTANT_HARDWARE)


def test_deny_rules_match_by_group_by_app_or_both() -> None:
    rules = (DenyRule(groups=("contractors",)), DenyRule(clients=("payroll",)), DenyRule(("interns",), ("wiki",)))
    org = AuthenticatorPolicy(deny=rules)
    assert org.denies("any-app", ("staff", "contractors"))
    assert org.denies("payroll", ())
    assert org.denies("wiki", ("interns",)) and not org.denies("mail", ("interns",))
    assert not org.denies("mail", ("staff",))
    assert not AuthenticatorPolicy().denies("payroll", ("contractors",))
