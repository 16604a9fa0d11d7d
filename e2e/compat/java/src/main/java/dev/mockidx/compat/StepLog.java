package dev.mockidx.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.okta.idx.sdk.api.client.Authenticator;
import com.okta.idx.sdk.api.model.CurrentAuthenticatorEnrollment;
import com.okta.idx.sdk.api.model.CurrentAuthenticatorEnrollmentValue;
import com.okta.idx.sdk.api.response.AuthenticationResponse;
import com.okta.idx.sdk.api.response.TokenResponse;

import java.util.List;
import java.util.Optional;

/**
 * What the SDK handed back at each step, in order, as plain JSON for the pytest side to judge.
 *
 * <p>Only public getters of {@link AuthenticationResponse} are read: what an application built on the SDK can see.
 */
final class StepLog {

    private final ObjectMapper json;
    private final ArrayNode steps;
    private TokenResponse tokens;

    StepLog(ObjectMapper json) {
        this.json = json;
        this.steps = json.createArrayNode();
    }

    /** Records one SDK answer under {@code label} and hands it back, so calls read as one line. */
    AuthenticationResponse record(String label, AuthenticationResponse response) {
        ObjectNode step = steps.addObject();
        step.put("label", label);
        step.put("status", response.getAuthenticationStatus() == null ? null
                : response.getAuthenticationStatus().name());
        ArrayNode errors = step.putArray("errors");
        response.getErrors().forEach(errors::add);
        step.put("hasTokens", response.getTokenResponse() != null);
        step.put("hasProceedContext", response.getProceedContext() != null);
        step.put("canResend", response.getProceedContext() != null
                && response.getProceedContext().getResendHref() != null);
        step.set("authenticators", authenticators(response.getAuthenticators()));
        Optional<CurrentAuthenticatorEnrollmentValue> current = Optional.ofNullable(response.getWebAuthnParams())
                .map(params -> params.getCurrentAuthenticator())
                .map(CurrentAuthenticatorEnrollment::getValue);
        step.put("currentAuthenticator", current.map(CurrentAuthenticatorEnrollmentValue::getType).orElse(null));
        step.set("contextualData", json.valueToTree(response.getContextualData()));
        if (response.getTokenResponse() != null) {
            tokens = response.getTokenResponse();
        }
        return response;
    }

    /** Records an exception the SDK let escape instead of an answer: its type, message and where it was thrown. */
    void thrown(String label, RuntimeException error) {
        ObjectNode step = steps.addObject();
        step.put("label", label);
        ObjectNode thrown = step.putObject("thrown");
        thrown.put("type", error.getClass().getName());
        thrown.put("message", String.valueOf(error.getMessage()));
        StackTraceElement[] trace = error.getStackTrace();
        thrown.put("at", trace.length == 0 ? null : trace[0].getClassName() + "." + trace[0].getMethodName());
    }

    /** Records something the flow noticed that is not an SDK answer (a phone action, a clock move). */
    void note(String label, Object detail) {
        ObjectNode step = steps.addObject();
        step.put("label", label);
        step.set("detail", json.valueToTree(detail));
    }

    ArrayNode steps() {
        return steps;
    }

    /** The last tokens the SDK returned, or null. */
    TokenResponse tokens() {
        return tokens;
    }

    private ArrayNode authenticators(List<Authenticator> authenticators) {
        ArrayNode list = json.createArrayNode();
        if (authenticators == null) {
            return list;
        }
        for (Authenticator authenticator : authenticators) {
            ObjectNode entry = list.addObject();
            entry.put("id", authenticator.getId());
            entry.put("type", authenticator.getType());
            entry.put("label", authenticator.getLabel());
            ArrayNode methods = entry.putArray("methods");
            authenticator.getFactors().forEach(factor -> methods.add(factor.getMethod()));
        }
        return list;
    }
}
