package dev.mockidx.compat;

import com.okta.idx.sdk.api.client.Authenticator;
import com.okta.idx.sdk.api.client.IDXAuthenticationWrapper;
import com.okta.idx.sdk.api.client.ProceedContext;
import com.okta.idx.sdk.api.model.AuthenticationOptions;
import com.okta.idx.sdk.api.model.VerifyAuthenticatorOptions;
import com.okta.idx.sdk.api.response.AuthenticationResponse;

import java.util.List;
import java.util.function.Supplier;

/**
 * One person's sign-in through {@link IDXAuthenticationWrapper}, called the way Okta's Spring sample
 * ({@code samples/embedded-auth-with-sdk}, 2.0.0) calls it: {@code begin} then {@code authenticate} on the login
 * form, {@code selectAuthenticator} for an authenticator with one method and {@code selectFactor} for one with
 * several, {@code verifyAuthenticator} with the code; the last non-null {@link ProceedContext} and the last list of
 * authenticators are kept as the sample keeps them in the HTTP session.
 *
 * <p>2.0.0 has no poll call: an application learns how a push ended by asking {@code introspect} with the
 * transaction's client context, which {@link #checkBack} does.
 */
final class SignIn {

    private final IDXAuthenticationWrapper sdk;
    private final StepLog log;
    private ProceedContext context;
    private List<Authenticator> authenticators = List.of();

    SignIn(FlowSpec spec, StepLog log) {
        this.sdk = new IDXAuthenticationWrapper(spec.issuer(), spec.clientId(), null, spec.scopes(),
                spec.redirectUri());
        this.log = log;
    }

    IDXAuthenticationWrapper sdk() {
        return sdk;
    }

    /** The login form: a new transaction, then username and password. */
    AuthenticationResponse signIn(String login, String password) {
        step("begin", () -> sdk.begin());
        return authenticate(login, password);
    }

    /** The login form on an existing transaction (after {@link #cancel}, the sample shows it again). */
    AuthenticationResponse authenticate(String login, String password) {
        return step("authenticate", () -> sdk.authenticate(new AuthenticationOptions(login, password.toCharArray()),
                context));
    }

    /** "Okta Verify", then the method ("push" or "totp"), as the sample's select-authenticator and select-factor. */
    AuthenticationResponse choose(String method) {
        Authenticator authenticator = authenticators.stream()
                .filter(candidate -> candidate.getFactors().stream().anyMatch(f -> method.equals(f.getMethod())))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no authenticator offers " + method));
        if (authenticator.getFactors().size() == 1) {
            return step("select-authenticator", () -> sdk.selectAuthenticator(context, authenticator));
        }
        Authenticator.Factor factor = authenticator.getFactors().stream()
                .filter(candidate -> method.equals(candidate.getMethod()))
                .findFirst()
                .orElseThrow();
        return step("select-factor:" + method, () -> sdk.selectFactor(context, factor));
    }

    /** The verify form: a code. */
    AuthenticationResponse verify(String label, String code) {
        return step(label, () -> sdk.verifyAuthenticator(context, new VerifyAuthenticatorOptions(code)));
    }

    /** Where the transaction stands now, as an application asks after the user says they answered the push. */
    AuthenticationResponse checkBack(String label) {
        return step(label, () -> sdk.introspect(context.getClientContext()));
    }

    AuthenticationResponse resend() {
        return step("resend", () -> sdk.resend(context));
    }

    AuthenticationResponse cancel() {
        return step("cancel", () -> sdk.cancel(context));
    }

    /**
     * Records the SDK's answer; an exception escaping the wrapper (it catches only its own checked ones) is recorded
     * as the step's outcome and answered with an empty response, as the sample's error page would end that request.
     */
    private AuthenticationResponse step(String label, Supplier<AuthenticationResponse> call) {
        AuthenticationResponse response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            log.thrown(label, e);
            return new AuthenticationResponse();
        }
        log.record(label, response);
        if (response.getAuthenticators() != null) {
            authenticators = response.getAuthenticators();
        }
        if (response.getProceedContext() != null) {
            context = response.getProceedContext();
        }
        return response;
    }
}
