package dev.mockidx.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The person with the phone, played through mock-idx's control API ({@code /_mock/v1}) over plain HTTP.
 *
 * <p>The flows run in one JVM, so tapping "Yes, it's me" from here keeps the SDK call and the tap in one ordered
 * sequence; nothing in this class touches the SDK.
 */
final class Phone {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json;
    private final String api;
    private final String login;

    Phone(ObjectMapper json, String base, String login) {
        this.json = json;
        this.api = base + "/_mock/v1";
        this.login = login;
    }

    /** The pushes waiting on this user's phone. */
    JsonNode pendingPushes() throws IOException, InterruptedException {
        return send("GET", userPath("/pushes"), null).path("pushes");
    }

    /** "Yes, it's me", with no number (the SDK showed none). */
    JsonNode approve() throws IOException, InterruptedException {
        return send("POST", userPath("/push/approve"), Map.of());
    }

    /** "No, it's not me". */
    JsonNode deny() throws IOException, InterruptedException {
        return send("POST", userPath("/push/deny"), Map.of());
    }

    /** The code the user's Okta Verify shows now. */
    String totpCode() throws IOException, InterruptedException {
        return send("GET", userPath("/totp"), null).path("code").asText();
    }

    /**
     * The code in the newest email that carries one ({@code GET /users/{login}/messages}, newest first): what the
     * user types in after opening their inbox. Fails when no email with a code was sent.
     */
    String emailCode() throws IOException, InterruptedException {
        for (JsonNode message : send("GET", userPath("/messages?channel=email"), null).path("messages")) {
            if (message.hasNonNull("code")) {
                return message.path("code").asText();
            }
        }
        throw new IOException("no email with a code was sent to " + login);
    }

    /** Moves every expiry on the server's virtual clock. */
    void advanceClock(double seconds) throws IOException, InterruptedException {
        send("POST", api + "/clock/advance", Map.of("seconds", seconds));
    }

    /** Makes the next {@code times} requests of this user to {@code route} answer {@code status}. */
    JsonNode injectFault(String route, int status, int times) throws IOException, InterruptedException {
        return send("POST", api + "/faults", Map.of("route", route, "status", status, "times", times, "user", login));
    }

    private String userPath(String tail) {
        return api + "/users/" + URLEncoder.encode(login, StandardCharsets.UTF_8) + tail;
    }

    private JsonNode send(String method, String url, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
