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
 */
record FlowSpec(String id, String flow, String base, String issuer, String login, String password, String clientId,
                String redirectUri, Set<String> scopes, double advanceSeconds) {

    static FlowSpec fromJson(JsonNode node) {
        Set<String> scopes = new LinkedHashSet<>();
        node.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return new FlowSpec(node.path("id").asText(), node.path("flow").asText(), node.path("base").asText(),
                node.path("issuer").asText(), node.path("login").asText(), node.path("password").asText(),
                node.path("clientId").asText(), node.path("redirectUri").asText(), scopes,
                node.path("advanceSeconds").asDouble(0));
    }
}
