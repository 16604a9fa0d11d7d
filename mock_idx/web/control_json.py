"""How the control API and the pages write the engine's objects as JSON: pushes, Okta Verify activations,
messages, TOTP codes and the clock.

Kept out of the handlers so the control API and the device page (which both show pushes and codes) describe them the
same way. A user's JSON is :func:`mock_idx.scenario.user_json`, beside the schema it mirrors.
"""

from __future__ import annotations

from typing import Any

from ..model.activation import ActivationChannel, OktaVerifyActivation
from ..model.clock import isoformat
from ..model.outbox import Message
from ..model.push import PushChallenge
from ..model.totp import TotpCode


def push_json(push: PushChallenge, now: float) -> dict[str, Any]:
    return {
        "id": push.id,
        "transaction": push.transaction_id,
        "state": push.state.value,
        "created_at": isoformat(push.created_at),
        "expires_at": isoformat(push.expires_at),
        "seconds_left": round(push.seconds_left(now), 1),
        "number_challenge": push.is_number_challenge,
        "options": list(push.options),
        "app": push.context.app_label,
        "client_id": push.context.client_id,
        "ip_address": push.context.ip_address,
        "user_agent": push.context.user_agent,
        "location": push.context.location,
    }


CHANNEL_LABELS = {
    ActivationChannel.QRCODE: "QR code",
    ActivationChannel.EMAIL: "email link",
    ActivationChannel.SMS: "SMS link",
}


def activation_json(activation: OktaVerifyActivation, now: float) -> dict[str, Any]:
    """An activation as the phone lists it; the token is what "Add account" sends back."""
    return {
        "token": activation.token,
        "transaction": activation.transaction_id,
        "channel": activation.channel.value,
        "channel_label": CHANNEL_LABELS[activation.channel],
        "created_at": isoformat(activation.created_at),
        "expires_at": isoformat(activation.expires_at),
        "seconds_left": round(max(0.0, activation.expires_at - now), 1),
        "activated": activation.is_activated,
    }


def message_json(message: Message) -> dict[str, Any]:
    """An email, text or call as sent, its code and link apart from the body (``None`` when it carries none)."""
    return {
        "id": message.id,
        "channel": message.channel.value,
        "to": message.to,
        "subject": message.subject,
        "body": message.body,
        "code": message.code,
        "link": message.link,
        "sent_at": isoformat(message.sent_at),
        "expires_at": isoformat(message.expires_at),
    }


def totp_json(code: TotpCode) -> dict[str, Any]:
    return {"code": code.code, "seconds_left": code.seconds_left}


def clock_json(now: float, offset: float) -> dict[str, Any]:
    return {"now": isoformat(now), "offset_seconds": offset}
