"""Reading IDX answers (plain JSON documents) the way okta-auth-js reads them."""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]


def remediation_names(document: Document) -> list[str]:
    """The remediations offered, primary first."""
    return [r["name"] for r in document.get("remediation", {}).get("value", [])]


def remediation(document: Document, name: str) -> Document:
    return next(r for r in document["remediation"]["value"] if r["name"] == name)


def message_keys(document: Document) -> list[str]:
    """The i18n keys of the answer's messages: what an app tells a denial from a timeout by."""
    return [m["i18n"]["key"] for m in document.get("messages", {}).get("value", []) if "i18n" in m]


def interaction_code(document: Document) -> str:
    """The interaction code of a ``successWithInteractionCode`` answer."""
    values = document["successWithInteractionCode"]["value"]
    code: str = next(v["value"] for v in values if v["name"] == "interaction_code")
    return code


def correct_answer(document: Document) -> int | None:
    """The number a number challenge asks the person to tap, or ``None`` when there is none."""
    answer = document.get("currentAuthenticator", {}).get("value", {}).get("contextualData", {}).get("correctAnswer")
    return int(answer) if answer is not None else None
