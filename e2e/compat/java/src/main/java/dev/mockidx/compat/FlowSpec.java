package dev.mockidx.compat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One flow to run, as the pytest driver planned it: which flow, against which mock-idx, as which user.
 *
 * @param id             the driver's key for the result line
 * @param flow           the flow's name (see {@link Flows})
 * @param base           the mock-idx origin, where the control API (the phone) lives
 * @param issuer         the authorization server the SDK is configured with
 * @param login          the user's login
 * @param password       the user's password
 * @param clientId       the OAuth client id
 * @param redirectUri    the redirect URI (only echoed: the interaction-code flow never redirects)
 * @param scopes         the scopes asked for at /v1/interact
 * @param advanceSeconds how far a clock flow moves mock-idx's virtual clock
 * @param newPassword    the password a recovery or a registration sets (empty for a sign-in flow)
 * @param weakPassword   a new password the org's policy refuses, tried first (empty: none tried)
 * @param firstName      a registering user's first name
 * @param lastName       a registering user's last name
 */
record FlowSpec(String id, String flow, String base, String issuer, String login, String password, String clientId,
                String redirectUri, Set<String> scopes, double advanceSeconds, String newPassword,
                String weakPassword, String firstName, String lastName) {

    static FlowSpec fromJson(JsonNode node) {
        Set<String> scopes = new LinkedHashSet<>();
        node.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return new FlowSpec(node.path("id").asText(), node.path("flow").asText(), node.path("base").asText(),
                node.path("issuer").asText(), node.path("login").asText(), node.path("password").asText(),
                node.path("clientId").asText(), node.path("redirectUri").asText(), scopes,
                node.path("advanceSeconds").asDouble(0), node.path("newPassword").asText(),
                node.path("weakPassword").asText(), node.path("firstName").asText(),
                node.path("lastName").asText());
    }
}
