package dev.mockidx.compat;

import com.okta.idx.sdk.api.model.TokenType;
import com.okta.idx.sdk.api.response.AuthenticationResponse;

import java.util.Map;

/**
 * Every flow the driver knows, by name. A flow only drives the SDK and the phone and records what happened; the
 * pytest side decides whether that was right.
 */
final class Flows {

    /** One flow: the SDK calls of a sign-in, with the phone answering in between. */
    @FunctionalInterface
    interface Flow {
        void run(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception;
    }

    /** Upper bound on check-backs while a push is pending: a hang becomes a failed flow, not a stuck JVM. */
    private static final int MAX_CHECK_BACKS = 20;
    private static final long CHECK_BACK_PAUSE_MS = 100;
    private static final String INTROSPECT_ROUTE = "/idp/idx/introspect";
    private static final String POLL_ROUTE = "/idp/idx/authenticators/poll";

    static final Map<String, Flow> ALL = Map.ofEntries(
            Map.entry("push-approve", Flows::pushApproved),
            Map.entry("number-challenge", Flows::pushApproved),
            Map.entry("push-deny-resend", Flows::pushDeniedThenResent),
            Map.entry("push-timeout", Flows::pushTimedOut),
            Map.entry("totp", Flows::totp),
            Map.entry("totp-wrong", Flows::totpWrongThenRight),
            Map.entry("verify-with-something-else", Flows::pushThenCode),
            Map.entry("cancel", Flows::cancelThenSignIn),
            Map.entry("expired-session", Flows::expiredSession),
            Map.entry("token-revoke", Flows::tokensRevoked),
            Map.entry("rate-limited-check-back", Flows::rateLimitedCheckBack),
            Map.entry("recover-password", SelfService::recoverByEmail),
            Map.entry("recover-unknown", SelfService::recoverUnknown),
            Map.entry("register", SelfService::register),
            Map.entry("register-taken", SelfService::registerTaken),
            Map.entry("locked-out", SelfService::lockedOut));

    private Flows() {
    }

    private static void pushApproved(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("push");
        signIn.checkBack("check-back:before-tap");
        log.note("phone:pending", phone.pendingPushes());
        log.note("phone:approve", phone.approve());
        waitForPush(signIn);
    }

    /**
     * "No, it's not me", then the user asks for another push. 2.0.0 can do neither (see the README), so after
     * recording what it does, the user starts over on the same page: cancel, password, push, approved.
     */
    private static void pushDeniedThenResent(FlowSpec spec, SignIn signIn, Phone phone, StepLog log)
            throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("push");
        log.note("phone:deny", phone.deny());
        signIn.checkBack("check-back:after-deny");
        signIn.resend();
        log.note("phone:pending-after-resend", phone.pendingPushes());
        signIn.cancel();
        signIn.authenticate(spec.login(), spec.password());
        signIn.choose("push");
        log.note("phone:approve", phone.approve());
        waitForPush(signIn);
    }

    private static void pushTimedOut(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("push");
        phone.advanceClock(spec.advanceSeconds());
        log.note("clock:advanced", spec.advanceSeconds());
        signIn.checkBack("check-back:after-timeout");
    }

    private static void totp(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("totp");
        signIn.verify("verify", phone.totpCode());
    }

    private static void totpWrongThenRight(FlowSpec spec, SignIn signIn, Phone phone, StepLog log)
            throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("totp");
        signIn.verify("verify:wrong", wrongCode(phone.totpCode()));
        signIn.verify("verify:right", phone.totpCode());
    }

    /**
     * The user starts a push, then picks "Enter a code" instead. 2.0.0 sends every step to the first remediation's
     * href, here the push's poll, so the choice and the code never reach a selection; the push the user walked
     * away from still signs them in when the phone approves it.
     */
    private static void pushThenCode(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("push");
        signIn.choose("totp");
        signIn.verify("verify", phone.totpCode());
        log.note("phone:approve", phone.approve());
        waitForPush(signIn);
    }

    private static void cancelThenSignIn(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.cancel();
        signIn.authenticate(spec.login(), spec.password());
        signIn.choose("totp");
        signIn.verify("verify", phone.totpCode());
    }

    private static void expiredSession(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        phone.advanceClock(spec.advanceSeconds());
        log.note("clock:advanced", spec.advanceSeconds());
        signIn.choose("totp");
    }

    /** Signs in (offline_access asked for), then revokes both tokens through the SDK; pytest checks they died. */
    private static void tokensRevoked(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("totp");
        AuthenticationResponse signedIn = signIn.verify("verify", phone.totpCode());
        if (signedIn.getTokenResponse() == null) {
            return;
        }
        signIn.sdk().revokeToken(TokenType.ACCESS_TOKEN, signedIn.getTokenResponse().getAccessToken());
        signIn.sdk().revokeToken(TokenType.REFRESH_TOKEN, signedIn.getTokenResponse().getRefreshToken());
        log.note("revoked", Map.of("access_token", true, "refresh_token", true));
    }

    /**
     * One 429 on the request the SDK waits with. 2.0.0 never calls the poll route, so the check-back's
     * {@code /idp/idx/introspect} gets the 429; a fault is put on the poll route too, so pytest can show it
     * was never reached.
     */
    private static void rateLimitedCheckBack(FlowSpec spec, SignIn signIn, Phone phone, StepLog log)
            throws Exception {
        signIn.signIn(spec.login(), spec.password());
        signIn.choose("push");
        log.note("fault:poll", phone.injectFault(POLL_ROUTE, 429, 1));
        log.note("fault:introspect", phone.injectFault(INTROSPECT_ROUTE, 429, 1));
        log.note("phone:approve", phone.approve());
        long started = System.nanoTime();
        signIn.checkBack("check-back:rate-limited");
        log.note("check-back:elapsed-ms", (System.nanoTime() - started) / 1_000_000);
        waitForPush(signIn);
    }

    /** Checks back until the SDK reports tokens or an error, as an application's "I answered" button would. */
    private static void waitForPush(SignIn signIn) throws InterruptedException {
        for (int attempt = 0; attempt < MAX_CHECK_BACKS; attempt++) {
            AuthenticationResponse response = signIn.checkBack("check-back");
            if (response.getTokenResponse() != null || !response.getErrors().isEmpty()) {
                return;
            }
            Thread.sleep(CHECK_BACK_PAUSE_MS);
        }
    }

    /** A six-digit code that is surely not the current one. */
    private static String wrongCode(String right) {
        return right.equals("000000") ? "111111" : "000000";
    }
}
