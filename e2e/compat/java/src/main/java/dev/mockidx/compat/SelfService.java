package dev.mockidx.compat;

import com.okta.idx.sdk.api.response.AuthenticationResponse;

import java.util.Map;

/**
 * The flows of a user's life beyond sign-in, called as Okta's Spring sample calls them: "Forgot password?"
 * ({@code recoverPassword}, the email authenticator, the emailed code, the new password) and "Sign up"
 * ({@code fetchSignUpFormValues}, {@code register}, then every authenticator the org requires, enrolled).
 *
 * <p>Self-service unlock is not here: 2.0.0's {@code IDXAuthenticationWrapper} has no unlock call (its public
 * methods are sign-in, {@code recoverPassword}, {@code register} and the authenticator steps), so an application on it
 * cannot offer "Unlock account?". That is the SDK's limit, not mock-idx's; {@link #lockedOut} records what such an
 * application sees of a lockout instead.
 */
final class SelfService {

    /** The pytest side's org locks an account after this many wrong passwords in a row. */
    private static final int LOCKOUT_ATTEMPTS = 3;
    /** A code no inbox holds. */
    private static final String MADE_UP_CODE = "000000";

    private SelfService() {
    }

    /**
     * Recovery by email code; a weak new password first (refused), then the spec's new password. Then the login
     * form again on new transactions: the old password, the refused weak one, and the new one, so pytest can tell
     * which password the server kept.
     */
    static void recoverByEmail(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        signIn.recoverPassword(spec.login());
        signIn.chooseType("select-email", "email");
        signIn.verify("code", phone.emailCode());
        if (!spec.weakPassword().isEmpty()) {
            signIn.verify("weak-password", spec.weakPassword());
        }
        signIn.verify("new-password", spec.newPassword());
        signIn.signIn(spec.login(), spec.password());
        signIn.signIn(spec.login(), spec.weakPassword());
        signIn.signIn(spec.login(), spec.newPassword());
    }

    /**
     * "Forgot password?" for a username nobody has: the SDK is led to the email authenticator as for a real user,
     * and the only code the user can type, a made-up one, is refused.
     */
    static void recoverUnknown(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) {
        signIn.recoverPassword(spec.login());
        signIn.chooseType("select-email", "email");
        signIn.verify("code", MADE_UP_CODE);
    }

    /**
     * A new user signs up, then enrolls what the org asks for, in the order it asks: a password (set through the
     * verify form, as the sample's register-password page does, a weak one first) and an email (its code from the
     * inbox).
     */
    static void register(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) throws Exception {
        log.note("sign-up-fields", signIn.register(profile(spec)));
        for (int enrolled = 0; enrolled < 4 && !signIn.finished(); enrolled++) {
            String next = signIn.firstOfferedType();
            AuthenticationResponse chosen = signIn.chooseType("enroll:" + next, next);
            if (!chosen.getErrors().isEmpty()) {
                return;
            }
            if ("password".equals(next) && !spec.weakPassword().isEmpty()) {
                signIn.verify("enroll-data:weak-password", spec.weakPassword());
            }
            signIn.verify("enroll-data:" + next, "password".equals(next) ? spec.newPassword() : phone.emailCode());
        }
    }

    /** Sign-up with an email that already belongs to a user: the register step is the one that answers. */
    static void registerTaken(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) {
        log.note("sign-up-fields", signIn.register(profile(spec)));
    }

    /**
     * Wrong passwords until the org's lockout policy locks the account, then the right one: the SDK shows the refusal
     * and has no way to the "Unlock account?" the server offers beside it.
     */
    static void lockedOut(FlowSpec spec, SignIn signIn, Phone phone, StepLog log) {
        for (int attempt = 0; attempt < LOCKOUT_ATTEMPTS; attempt++) {
            signIn.signIn(spec.login(), spec.password() + "-wrong");
        }
        signIn.signIn(spec.login(), spec.password());
    }

    private static Map<String, String> profile(FlowSpec spec) {
        return Map.of("email", spec.login(), "firstName", spec.firstName(), "lastName", spec.lastName());
    }
}
