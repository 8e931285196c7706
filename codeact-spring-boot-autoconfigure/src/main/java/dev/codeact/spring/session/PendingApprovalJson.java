package dev.codeact.spring.session;

import dev.codeact.hyperlight.SessionStateException;
import dev.codeact.spring.json.CodeActJson;
import dev.codeact.spring.sandbox.Language;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link PendingApproval} as JSON, for a store that keeps it outside the process and lists approvals without their
 * states. The tool context is the application's: a value that is not JSON (a principal, a domain object) is kept as
 * its {@code toString()}, so that listing and deciding on another replica work whatever the context holds; tools that
 * need such a value back must put it in the context as JSON-friendly data.
 */
final class PendingApprovalJson {
    /** A value Jackson would write as {@code {}} (no properties) counts as not JSON: its text says more. */
    private static final ObjectWriter STRICT = CodeActJson.MAPPER.writer().with(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private PendingApprovalJson() {
    }

    static byte[] write(PendingApproval approval) {
        ObjectNode json = CodeActJson.MAPPER.createObjectNode()
                .put("id", approval.id())
                .put("conversationId", approval.conversationId())
                .put("language", approval.language().id())
                .put("tool", approval.tool())
                .put("argumentsJson", approval.argumentsJson())
                .put("createdAt", approval.createdAt().toString())
                .put("expiresAt", approval.expiresAt().toString())
                .put("stateBytes", approval.stateBytes());
        ObjectNode context = json.putObject("toolContext");
        approval.toolContext().forEach((name, value) -> context.set(name, asJson(value)));
        return CodeActJson.MAPPER.writeValueAsBytes(json);
    }

    /** @throws SessionStateException MALFORMED when {@code bytes} are not an approval written by {@link #write} */
    static PendingApproval read(byte[] bytes) {
        try {
            JsonNode json = CodeActJson.MAPPER.readTree(bytes);
            Map<String, Object> context = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : json.required("toolContext").properties()) {
                context.put(e.getKey(), CodeActJson.MAPPER.treeToValue(e.getValue(), Object.class));
            }
            JsonNode conversation = json.required("conversationId");
            return new PendingApproval(json.required("id").asString(), conversation.isNull() ? null : conversation.asString(),
                    Language.of(json.required("language").asString()), json.required("tool").asString(),
                    json.required("argumentsJson").asString(), context, Instant.parse(json.required("createdAt").asString()),
                    Instant.parse(json.required("expiresAt").asString()), json.required("stateBytes").asLong());
        } catch (JacksonException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new SessionStateException(SessionStateException.Reason.MALFORMED, "not a pending approval: "
                    + e.getMessage() + " in " + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8));
        }
    }

    private static JsonNode asJson(Object value) {
        try {
            return CodeActJson.MAPPER.readTree(STRICT.writeValueAsBytes(value));
        } catch (JacksonException e) {
            return CodeActJson.MAPPER.getNodeFactory().stringNode(String.valueOf(value));
        }
    }
}
