"""The IDX sign-in flow: which request to send for each step, and what its answer means.

Stateless: every call takes an `IdxContext`, re-introspects the transaction (as the .NET SDK does), submits the
named remediation to the `href` the server gave, and returns a typed `AuthResponse` carrying the context to keep.
Nothing here knows mock_idx; the only IDX URL it builds itself is `/idp/idx/introspect`, derived from the issuer
exactly as Okta's SDKs derive it (the OAuth URLs are `oauth.py`'s business).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import aiohttp

from .config import IdxClientConfig
from .context import IdxContext
from .document import IdxDocument, Remediation
from .errors import IdxError, IdxProtocolError, IdxRateLimitedError, IdxStepUnavailableError, IdxTransientError
from .interpret import (
    answer_form,
    channel_input,
    credential_inputs,
    credential_name,
    current_authenticator_option,
    describe,
    enrollment_channels,
    find_authenticator_option,
    find_enroll_option,
    method_choices,
    password_form,
    status_of,
)
from .oauth import OAuthClient
from .redirect import RedirectSignIn, authorize_url
from .results import DEFAULT_POLL_REFRESH_MS, AuthResponse, TokenSet
from .results import AuthenticationStatus as Status
from .tokens import IdTokenVerifier
from .transport import ION_JSON, Transport

OKTA_PASSWORD = "okta_password"
REVOKE = "revokeSessions"
"""A new password's "Sign me out of all other devices" (only the reset form offers it)."""

P = ParamSpec("P")
R = TypeVar("R")

SHAPE_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError, RecursionError)
"""What reading a value of the wrong type out of the server's JSON raises (a string where a list belongs...)."""


def _untrusted_answers(call: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Every public call reads documents the server wrote; one of an unexpected shape is an IdxProtocolError.

    Parsing is lenient on purpose (see `document`), so it reads raw JSON in many places; rather than guard each
    of them, the boundary where a caller gets control back turns any shape error into the one typed error.
    """

    @functools.wraps(call)
    async def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await call(*args, **kwargs)
        except IdxError:
            raise
        except SHAPE_ERRORS as exc:
            raise IdxProtocolError(f"the server's answer has an unexpected shape: {exc!r}") from exc

    return checked


class IdxClient:
    """An async IDX client for one OIDC app; share one instance (and its ClientSession) across users.

    Whatever the server answers, a call returns an `AuthResponse` or raises an `IdxError` (see `errors`).
    """

    def __init__(self, config: IdxClientConfig, session: aiohttp.ClientSession) -> None:
        self.config = config
        self._transport = Transport(session)
        self._oauth = OAuthClient(config, self._transport)
        self._verifier = IdTokenVerifier(config, self._transport, self._oauth)

    # -- starting ---------------------------------------------------------------------------------------------

    @_untrusted_answers
    async def start(self) -> IdxContext:
        """`/v1/interact` with PKCE: a new transaction, nothing submitted yet."""
        interaction = await self._oauth.interact()
        return IdxContext(interaction.handle, interaction.code_verifier, interaction.nonce)

    @_untrusted_answers
    async def authenticate(self, username: str, password: str) -> AuthResponse:
        """Start a transaction and identify with username and password.

        Handles both identify shapes Okta uses: one step (`identify` carries `credentials`) and identifier-first
        (password verified afterwards as its own authenticator).
        """
        context = await self.start()
        identify = self._require(await self._introspect(context), "identify")
        if identify.field("credentials") is not None:
            doc = await self._submit(identify, {"identifier": username, "credentials": {"passcode": password}})
        else:
            doc = await self._verify_password(await self._submit(identify, {"identifier": username}), password)
        return await self._respond(context, doc)

    @_untrusted_answers
    async def recover_password(self, username: str) -> AuthResponse:
        """ "Forgot password?": start a transaction, ask to recover the password, and name the user.

        Okta offers `recover` on the password: on the identify page when it asks for the password there, otherwise
        on the password challenge that follows the username (identifier-first), where the user is already named.
        The answer lists the recovery authenticators (`AwaitingAuthenticatorSelection`), or is `identify-recovery`
        (or, identifier-first, `identify`) again with Okta's message. IdxStepUnavailableError when the org offers no
        recovery.
        """
        context = await self.start()
        doc = await self._introspect(context)
        recover = doc.current_authenticator_action("recover")
        identify = doc.remediation("identify")
        if recover is None and identify is not None and identify.field("credentials") is None:
            doc = await self._password_challenge(await self._submit(identify, {"identifier": username}))
            if doc.has("identify"):  # the username itself was refused: Okta's message, on the identify step
                return await self._respond(context, doc)
            recover = doc.current_authenticator_action("recover")
        if recover is None:
            raise IdxStepUnavailableError("this org offers no password recovery")
        doc = await self._submit(recover, {})
        if identify_recovery := doc.remediation("identify-recovery"):
            doc = await self._submit(identify_recovery, {"identifier": username})
        return await self._respond(context, doc)

    @_untrusted_answers
    async def change_password(
        self, context: IdxContext, new_password: str, *, revoke_sessions: bool | None = None
    ) -> AuthResponse:
        """Set a new password where one is asked for: after a recovery (`reset-authenticator`), an expired password
        (`reenroll-authenticator`) or one about to expire (`reenroll-authenticator-warning`). Okta refuses one the
        policy does not allow with its message on the field, the step kept. `revoke_sessions` is sent only where the
        form offers it ("Sign me out of all other devices")."""
        doc = await self._introspect(context)
        form = password_form(doc)
        if form is None:
            offered = ", ".join(r.name for r in doc.remediations) or "none"
            raise IdxStepUnavailableError(f"no new password is asked for now (offered: {offered})")
        inputs = credential_inputs(form)
        secret = next((entry.name for entry in inputs if entry.secret), "passcode")
        credentials: dict[str, Any] = {secret: new_password}
        if revoke_sessions is not None and any(entry.checkbox and entry.name == REVOKE for entry in inputs):
            credentials[REVOKE] = revoke_sessions
        return await self._respond(context, await self._submit(form, {"credentials": credentials}))

    # -- stepping -----------------------------------------------------------------------------------------------

    @_untrusted_answers
    async def introspect(self, context: IdxContext) -> AuthResponse:
        """The transaction's current state, without changing it."""
        return await self._respond(context, await self._introspect(context))

    @_untrusted_answers
    async def proceed(self, context: IdxContext, remediation: str, values: Mapping[str, Any]) -> AuthResponse:
        """Submit any remediation by name; immutable values (stateHandle, ids) are filled in from its form."""
        form = self._require(await self._introspect(context), remediation)
        return await self._respond(context, await self._submit(form, values))

    @_untrusted_answers
    async def select_authenticator(self, context: IdxContext, authenticator_id: str) -> AuthResponse:
        """Pick an authenticator in `select-authenticator-authenticate` (sends only its id, as auth-js does)."""
        doc = await self._introspect(context)
        form = self._require(doc, "select-authenticator-authenticate")
        option = find_authenticator_option(doc, authenticator_id=authenticator_id)
        if option is None:
            raise IdxStepUnavailableError(f"authenticator {authenticator_id!r} is not offered")
        return await self._respond(context, await self._submit(form, {"authenticator": option.fixed_values()}))

    @_untrusted_answers
    async def select_method(self, context: IdxContext, method_type: str) -> AuthResponse:
        """Pick how to use the chosen authenticator (`push`, `totp`...), which starts the challenge.

        Uses `authenticator-verification-data` when the server asks for it, otherwise selects the authenticator
        again with the method (how "Verify with something else" switches from push to a code). If the org has
        "Send push automatically" off, the first answer still lacks `challenge-poll`; the push is then requested
        explicitly, as the .NET SDK does since 2.2.4.
        """
        doc = await self._introspect(context)
        if not any(m.value == method_type for m in method_choices(doc)):
            raise IdxStepUnavailableError(f"method {method_type!r} is not offered")
        doc = await self._submit_method(doc, method_type)
        again = doc.remediation("authenticator-verification-data")
        if method_type == "push" and again and not doc.has("challenge-poll"):
            doc = await self._submit(again, {"authenticator": {"methodType": "push"}})
        return await self._respond(context, doc)

    @_untrusted_answers
    async def poll(self, context: IdxContext) -> AuthResponse:
        """One `challenge-poll`. Network trouble, 5xx and 429 come back as "keep polling, but slower"."""
        return await self._poll(context, "challenge-poll", Status.AwaitingChallengeAuthenticatorPollResponse)

    @_untrusted_answers
    async def poll_enrollment(self, context: IdxContext) -> AuthResponse:
        """One `enroll-poll` while Okta Verify is being set up (POSTed, as okta-auth-js and the widget do), with the
        same "keep polling, but slower" answer to network trouble, 5xx and 429 as `poll`."""
        return await self._poll(context, "enroll-poll", Status.AwaitingPollEnrollment)

    @_untrusted_answers
    async def resend(self, context: IdxContext) -> AuthResponse:
        """Send again what the step sent: the push after a rejection (top-level `resend`), the pending push, the code
        by email, SMS or voice, or Okta Verify's setup link (the current authenticator's `resend`).

        Okta refuses a code resent too soon with 429 and a message saying so; that comes back as the step unchanged
        with the message, like any other refusal, not as an outage.
        """
        doc = await self._introspect(context)
        form = doc.remediation("resend") or doc.current_authenticator_action("resend")
        if form is None:
            raise IdxStepUnavailableError("nothing to resend in the current state")
        try:
            answer = await self._submit(form, {})
        except IdxRateLimitedError as exc:
            if exc.body is None or "remediation" not in exc.body:
                raise
            answer = _document(exc.body, form.href, 429)
        return await self._respond(context, answer)

    resend_push = resend
    """The guide's name for `resend` on the rejected-push page."""

    @_untrusted_answers
    async def verify_code(self, context: IdxContext, code: str) -> AuthResponse:
        """Answer the challenge or enrollment form with a code (or the one answer it asks for); a wrong one comes
        back with the field's message."""
        form = self._answer_form(await self._introspect(context))
        return await self._respond(context, await self._submit(form, {"credentials": {credential_name(form): code}}))

    @_untrusted_answers
    async def answer(self, context: IdxContext, credentials: Mapping[str, str]) -> AuthResponse:
        """Answer `challenge-authenticator` or `enroll-authenticator` with `credentials`, named as the form names
        them (`AuthResponse.credential_inputs`): a code, an answer, or a security question's `questionKey`,
        `question` and `answer`. Fixed values (the enrolled question's key) are filled in from the form."""
        form = self._answer_form(await self._introspect(context))
        return await self._respond(context, await self._submit(form, {"credentials": dict(credentials)}))

    # -- enrolling ----------------------------------------------------------------------------------------------

    @_untrusted_answers
    async def select_enroll_authenticator(self, context: IdxContext, authenticator_id: str) -> AuthResponse:
        """Pick an authenticator to set up in `select-authenticator-enroll` (sends its fixed values: the id, and
        the method of a single-method authenticator, as okta-auth-js does)."""
        doc = await self._introspect(context)
        form = self._require(doc, "select-authenticator-enroll")
        option = find_enroll_option(doc, authenticator_id)
        if option is None:
            raise IdxStepUnavailableError(f"authenticator {authenticator_id!r} is not offered to set up")
        return await self._respond(context, await self._submit(form, {"authenticator": option.fixed_values()}))

    @_untrusted_answers
    async def submit_enrollment_data(self, context: IdxContext, values: Mapping[str, str]) -> AuthResponse:
        """Answer `authenticator-enrollment-data` (a phone: `methodType` and `phoneNumber`); the server checks the
        values and answers a wrong one with its message, the form kept."""
        form = self._require(await self._introspect(context), "authenticator-enrollment-data")
        return await self._respond(context, await self._submit(form, {"authenticator": dict(values)}))

    @_untrusted_answers
    async def select_enrollment_channel(self, context: IdxContext, channel: str) -> AuthResponse:
        """Set Okta Verify up another way (`select-enrollment-channel`): `email` or `sms` (the setup link is sent
        there), or `qrcode` back to the QR code."""
        doc = await self._introspect(context)
        form = self._require(doc, "select-enrollment-channel")
        if not any(c.value == channel for c in enrollment_channels(doc)):
            raise IdxStepUnavailableError(f"channel {channel!r} is not offered")
        return await self._respond(context, await self._submit(form, {"authenticator": {"channel": channel}}))

    @_untrusted_answers
    async def send_channel_data(self, context: IdxContext, value: str) -> AuthResponse:
        """Where Okta Verify's setup link goes (`enrollment-channel-data`): the email address or phone number, under
        the name the form gives it."""
        doc = await self._introspect(context)
        form = self._require(doc, "enrollment-channel-data")
        entry = channel_input(doc)
        if entry is None:
            raise IdxProtocolError("enrollment-channel-data asks for nothing")
        return await self._respond(context, await self._submit(form, {entry.name: value}))

    @_untrusted_answers
    async def skip(self, context: IdxContext) -> AuthResponse:
        """ "Set up later": skip the optional authenticators left to enroll."""
        form = self._require(await self._introspect(context), "skip")
        return await self._respond(context, await self._submit(form, {}))

    @_untrusted_answers
    async def cancel(self, context: IdxContext) -> AuthResponse:
        """Cancel the transaction with the top-level `cancel` form; an already dead transaction counts as done."""
        doc = await self._introspect(context)
        if doc.cancel is not None:
            await self._submit(doc.cancel, {})
        return AuthResponse(status=Status.Canceled, context=None)

    # -- the redirect flow (the org's hosted sign-in page) ----------------------------------------------------------

    @_untrusted_answers
    async def begin_redirect_sign_in(self, redirect_uri: str) -> tuple[RedirectSignIn, str]:
        """A new redirect sign-in returning to `redirect_uri`, and the `/v1/authorize` URL to send the browser to.

        Keep the `RedirectSignIn` with the visitor's session: `finish_redirect_sign_in` needs it when they return.
        """
        sign_in, challenge = RedirectSignIn.create(redirect_uri)
        return sign_in, authorize_url(await self._oauth.authorization_endpoint(), self.config, sign_in, challenge)

    @_untrusted_answers
    async def finish_redirect_sign_in(self, sign_in: RedirectSignIn, code: str) -> TokenSet:
        """Redeem the code the callback received and check the id_token as the embedded flow does (nonce included).

        The caller has already matched the callback's `state` to `sign_in`. A refusal at the token endpoint (a wrong
        client secret, a spent code) is an `OAuthError` carrying Okta's error and description.
        """
        tokens = await self._oauth.redeem_code(code, sign_in.code_verifier, sign_in.redirect_uri)
        return await self._verifier.token_set(tokens, nonce=sign_in.nonce)

    # -- tokens -------------------------------------------------------------------------------------------------

    @_untrusted_answers
    async def revoke(self, token: str, token_type_hint: str = "access_token") -> None:
        """Revoke a token at the issuer's revocation endpoint."""
        await self._oauth.revoke(token, token_type_hint)

    # -- internals ----------------------------------------------------------------------------------------------

    async def _introspect(self, context: IdxContext) -> IdxDocument:
        url = f"{self.config.idx_base}/idp/idx/introspect"
        reply = await self._transport.post_json(
            url, {"interactionHandle": context.interaction_handle}, content_type=ION_JSON
        )
        return _document(reply.body, url, reply.status)

    async def _submit(self, form: Remediation, values: Mapping[str, Any]) -> IdxDocument:
        if not form.href:
            raise IdxProtocolError(f"remediation {form.name!r} has no href")
        reply = await self._transport.post_json(
            form.href, form.body(values), method=form.method, accept=form.accepts or ION_JSON
        )
        return _document(reply.body, form.href, reply.status)

    async def _submit_method(self, doc: IdxDocument, method_type: str) -> IdxDocument:
        if verification := doc.remediation("authenticator-verification-data"):
            return await self._submit(verification, {"authenticator": {"methodType": method_type}})
        form = self._require(doc, "select-authenticator-authenticate")
        option = current_authenticator_option(doc)
        if option is None:
            raise IdxStepUnavailableError("no authenticator chosen to use a method of")
        return await self._submit(form, {"authenticator": option.fixed_values() | {"methodType": method_type}})

    async def _verify_password(self, doc: IdxDocument, password: str) -> IdxDocument:
        """Identifier-first orgs: select the password authenticator if asked, then answer its challenge."""
        doc = await self._password_challenge(doc)
        challenge = doc.remediation("challenge-authenticator")
        return await self._submit(challenge, {"credentials": {"passcode": password}}) if challenge else doc

    async def _password_challenge(self, doc: IdxDocument) -> IdxDocument:
        """Identifier-first orgs, after the username: the password's challenge, selecting the password if asked."""
        select = doc.remediation("select-authenticator-authenticate")
        password_option = find_authenticator_option(doc, key=OKTA_PASSWORD)
        if not doc.has("challenge-authenticator") and select and password_option:
            doc = await self._submit(select, {"authenticator": password_option.fixed_values()})
        return doc

    async def _respond(self, context: IdxContext, doc: IdxDocument) -> AuthResponse:
        if status_of(doc) is not Status.Success or doc.success is None:
            return describe(doc, context)
        tokens = await self._oauth.exchange(doc.success, context.code_verifier)
        token_set = await self._verifier.token_set(tokens, nonce=context.nonce)
        return AuthResponse(status=Status.Success, context=None, messages=doc.messages, tokens=token_set)

    async def _poll(self, context: IdxContext, name: str, waiting: Status) -> AuthResponse:
        refresh: int | None = None
        try:
            doc = await self._introspect(context)
            form = doc.remediation(name)
            if form is None:  # answered meanwhile (rejected, expired, enrolled...): report that state
                return await self._respond(context, doc)
            refresh = form.refresh
            return await self._respond(context, await self._submit(form, {}))
        except IdxTransientError as exc:
            return self._slow_down(context, refresh, exc, waiting)

    @staticmethod
    def _answer_form(doc: IdxDocument) -> Remediation:
        form = answer_form(doc)
        if form is None:
            offered = ", ".join(r.name for r in doc.remediations) or "none"
            raise IdxStepUnavailableError(f"no code or answer is asked for now (offered: {offered})")
        return form

    @staticmethod
    def _require(doc: IdxDocument, name: str) -> Remediation:
        form = doc.remediation(name)
        if form is None:
            offered = ", ".join(r.name for r in doc.remediations) or "none"
            raise IdxStepUnavailableError(f"{name!r} is not available now (offered: {offered})")
        return form

    @staticmethod
    def _slow_down(context: IdxContext, refresh: int | None, exc: IdxTransientError, waiting: Status) -> AuthResponse:
        """Keep polling after a transient failure, at the server's hinted pace or twice the usual interval."""
        return AuthResponse(
            status=waiting,
            context=context,
            backoff=True,
            refresh_ms=exc.retry_after_ms or 2 * (refresh or DEFAULT_POLL_REFRESH_MS),
        )


def _document(body: dict[str, Any] | None, url: str, status: int) -> IdxDocument:
    """An IDX document from a reply of any status (Okta answers errors as IDX too); error if it is not IDX."""
    if body is None or not any(k in body for k in ("remediation", "messages", "successWithInteractionCode")):
        raise IdxProtocolError(f"{url} answered HTTP {status} without an IDX document")
    return IdxDocument.parse(body)
