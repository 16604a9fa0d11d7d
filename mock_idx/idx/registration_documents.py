"""The documents of self-service registration: the "Sign up" offer on the identify page (``select-enroll-profile``)
and the sign-up form (``enroll-profile``, with ``select-identify`` back to the identify page), in the shapes of the
Sign-In Widget's Gen3 captures (``introspect/default``, ``enroll/default``). Once the form is accepted the sign-in is
an ordinary enrollment (:mod:`.authenticator_documents`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.registration import AttributeType, ProfileAttribute
from ..model.transaction import Step, Transaction
from .forms import Field, as_array, field, form, option

if TYPE_CHECKING:
    from .render import DocumentContext

Document = dict[str, Any]


def offering_sign_up(document: Document, transaction: Transaction, context: DocumentContext) -> Document:
    """The identify page's document, with "Sign up" after its own form when the org lets people sign up."""
    if not context.registration.enabled:
        return document
    offer = form("select-enroll-profile", context.idx("enroll"), transaction.state_handle)
    remediations = document["remediation"]["value"]
    return {**document, "remediation": as_array([*remediations, offer])}


def enroll_profile(transaction: Transaction, context: DocumentContext) -> Document:
    """The sign-up form: the profile enrollment policy's attributes, then "Back to sign in"."""
    attributes = [_attribute(attribute) for attribute in context.registration.attributes]
    sign_up = form(
        "enroll-profile",
        context.idx("enroll/new"),
        transaction.state_handle,
        [{"name": "userProfile", "form": {"value": attributes}}],
    )
    back = form("select-identify", context.idx("identify/select"), transaction.state_handle)
    return {"remediation": as_array([sign_up, back])}


def _attribute(attribute: ProfileAttribute) -> Field:
    """One attribute as the form lists it: a checkbox for a boolean (capture ``enroll-profile-new-boolean-fields``),
    a text field with its lengths otherwise."""
    shown: Field = field(attribute.name)
    if attribute.type is AttributeType.BOOLEAN:
        shown["type"] = "boolean"
    shown.update(label=attribute.label, required=attribute.required)
    if attribute.type is AttributeType.BOOLEAN:
        shown["options"] = [option("display", {"type": "object", "value": {"inputType": "checkbox"}})]
        return shown
    if attribute.min_length is not None:
        shown["minLength"] = attribute.min_length
    if attribute.max_length is not None:
        shown["maxLength"] = attribute.max_length
    return shown


STEP_DOCUMENTS = {Step.ENROLL_PROFILE: enroll_profile}
