package dev.mockidx.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.okta.idx.sdk.api.response.TokenResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs the flows the pytest driver sends on stdin ({@code {"flows": [FlowSpec, ...]}}) one after another and
 * prints one JSON line per flow on stdout: {@code {"id", "ok", "steps", "tokens", "error"}}. A flow that throws
 * is reported, never fatal, so one broken flow cannot hide the others.
 */
public final class SdkFlows {

    private SdkFlows() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode plan = json.readTree(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
        for (JsonNode node : plan.path("flows")) {
            FlowSpec spec = FlowSpec.fromJson(node);
            System.out.println(json.writeValueAsString(run(json, spec)));
            System.out.flush();
        }
    }

    private static ObjectNode run(ObjectMapper json, FlowSpec spec) {
        StepLog log = new StepLog(json);
        ObjectNode result = json.createObjectNode();
        result.put("id", spec.id());
        try {
            Flows.Flow flow = Flows.ALL.get(spec.flow());
            if (flow == null) {
                throw new IllegalArgumentException("unknown flow " + spec.flow());
            }
            flow.run(spec, new SignIn(spec, log), new Phone(json, spec.base(), spec.login()), log);
            result.put("ok", true);
        } catch (Exception e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            result.put("ok", false);
            result.putObject("error").put("type", e.getClass().getName()).put("message", String.valueOf(e.getMessage()))
                    .put("trace", trace.toString());
        }
        result.set("steps", log.steps());
        TokenResponse tokens = log.tokens();
        result.set("tokens", tokens == null ? null : json.valueToTree(tokens));
        return result;
    }
}
