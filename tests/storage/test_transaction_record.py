"""The stored sign-in's shape outlives the code that moves it: a :class:`Transaction` written before the state
machine was split into one module per flow (the Redis codec's JSON, as commit 1b54320 wrote it) reads back whole
and is written again to the same bytes, and the flows' classes add no field of their own."""

from __future__ import annotations

import dataclasses

from mock_idx.model.authenticators import AuthenticatorKey
from mock_idx.model.errors import Reason
from mock_idx.model.transaction import SentCode, Step, Transaction
from mock_idx.model.transaction_state import TransactionState
from mock_idx.storage.codec import CODEC

WRITTEN_BEFORE_THE_SPLIT = (
    '{"interaction":{"client_id":"app","redirect_uri":"http://localhost:7777/callback","scope":"openid",'
    '"code_challenge":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","code_challenge_method":"S256","state":"st",'
    '"nonce":null,"authorization_server":null,"client_label":"mock-idx app","hosted":false,'
    '"response_type":"code","response_mode":"query","login_hint":null,"activation_token":null,"acr_values":null},'
    '"created_at":1000.0,"expires_at":1600.0,"step":"reset-password","user":null,"push":null,'
    '"interaction_code":null,"code_expires_at":0.0,"amr":["email"],"auth_time":null,"id":"txn1",'
    '"interaction_handle":"ih","state_handle":"02sh","identifier":"ada@example.com","current":"okta_password",'
    '"method":"email","choices":["okta_email","phone_number"],"optional":false,"verified":["okta_email"],'
    '"enrolled_here":[],"skipped_optional":false,"sent_code":{"code":"123456","expires_at":1300.0,'
    '"sent_at":[1000.0,1010.0],"link_token":"lt","link_used":true},"pending":{"phone_number":"+15555550100",'
    '"phone_method":"sms","google_secret":null,"activation_token":null,"channel":"qrcode","channel_target":null},'
    '"unlocking":false,"unlock_stand_in":false,"unlock_applied":false,"terminal":"session_expired",'
    '"recovering":true,"days_to_expiry":3,"registering":true}'
)
"""Every field set away from its default where it can be, so a field renamed, dropped or retyped shows."""


def test_a_transaction_written_before_the_split_reads_back_whole() -> None:
    transaction = CODEC.decode(Transaction, WRITTEN_BEFORE_THE_SPLIT)
    assert type(transaction) is Transaction
    assert transaction.step is Step.RESET_PASSWORD and transaction.recovering and transaction.registering
    assert transaction.current is AuthenticatorKey.PASSWORD and transaction.terminal is Reason.SESSION_EXPIRED
    assert transaction.choices == (AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE)
    assert transaction.sent_code == SentCode("123456", 1300.0, (1000.0, 1010.0), "lt", True)
    assert transaction.pending is not None and transaction.pending.phone_number == "+15555550100"
    assert transaction.days_to_expiry == 3 and transaction.state_handle == "02sh"


def test_a_transaction_read_back_is_written_to_the_same_bytes() -> None:
    assert CODEC.encode(CODEC.decode(Transaction, WRITTEN_BEFORE_THE_SPLIT)).decode() == WRITTEN_BEFORE_THE_SPLIT


def test_the_flows_classes_add_no_field_to_the_record() -> None:
    assert dataclasses.fields(Transaction) == dataclasses.fields(TransactionState)
