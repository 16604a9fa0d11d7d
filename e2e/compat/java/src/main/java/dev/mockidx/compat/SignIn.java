package dev.mockidx.compat;

import com.okta.idx.sdk.api.client.Authenticator;
import com.okta.idx.sdk.api.client.IDXAuthenticationWrapper;
import com.okta.idx.sdk.api.client.ProceedContext;
import com.okta.idx.sdk.api.model.AuthenticationOptions;
import com.okta.idx.sdk.api.model.FormValue;
import com.okta.idx.sdk.api.model.UserProfile;
import com.okta.idx.sdk.api.model.VerifyAuthenticatorOptions;
import com.okta.idx.sdk.api.response.AuthenticationResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private AuthenticationResponse last = new AuthenticationResponse();

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

    /** "Forgot password?" on the login page: a new transaction, then the username, as the sample's forgot-password. */
    AuthenticationResponse recoverPassword(String login) {
        step("begin", () -> sdk.begin());
        return step("recover", () -> sdk.recoverPassword(login, context));
    }

    /**
     * "Sign up": a new transaction, the sign-up form's fields ({@code fetchSignUpFormValues}), then {@code register}
     * with the profile filled in field by field, as the sample's register handler builds it. Returns the names of the
     * form's {@code userProfile} fields in the order the SDK gave them.
     */
    List<String> register(Map<String, String> profile) {
        step("begin", () -> sdk.begin());
        AuthenticationResponse form = step("sign-up-form", () -> sdk.fetchSignUpFormValues(context));
        List<String> fields = new ArrayList<>();
        UserProfile user = new UserProfile();
        List<FormValue> values = form.getFormValues() == null ? List.of() : form.getFormValues();
        values.stream()
                .filter(value -> "userProfile".equals(value.getName()))
                .findFirst()
                .ifPresent(userProfile -> {
                    for (FormValue field : userProfile.form().getValue()) {
                        fields.add(field.getName());
                        user.addAttribute(field.getName(), profile.getOrDefault(field.getName(), ""));
                    }
                });
        step("register", () -> sdk.register(context, user));
        return fields;
    }

    /** An authenticator by its type ({@code "email"}, {@code "password"}), as the sample's select page posts it. */
    AuthenticationResponse chooseType(String label, String type) {
        Authenticator authenticator = authenticators.stream()
                .filter(candidate -> type.equals(candidate.getType()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no authenticator of type " + type + " offered"));
        return step(label, () -> sdk.selectAuthenticator(context, authenticator));
    }

    /** Whether the last answer ended the flow: tokens, or an error the page would show. */
    boolean finished() {
        return last.getTokenResponse() != null || !last.getErrors().isEmpty();
    }

    /** The type of the first authenticator the last list offered (the one an enrollment page lists on top). */
    String firstOfferedType() {
        if (authenticators.isEmpty()) {
            throw new IllegalStateException("no authenticator offered");
        }
        return authenticators.get(0).getType();
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
        last = response;
        if (response.getAuthenticators() != null) {
            authenticators = response.getAuthenticators();
        }
        if (response.getProceedContext() != null) {
            context = response.getProceedContext();
        }
        return response;
    }
}
