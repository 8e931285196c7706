package dev.codeact.spring.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One chat-completions request as {@link ScriptedOpenAiServer} received it, with accessors for the parts of the
 * OpenAI request body that tests look at.
 *
 * @param path the request path
 * @param headers request headers, names in lower case (first value each)
 * @param rawBody the body's bytes exactly as sent (a copy on the way in and on the way out)
 * @param body the body, parsed
 */
public record RecordedRequest(String path, Map<String, String> headers, byte[] rawBody, JsonNode body) {

    public RecordedRequest {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        rawBody = rawBody.clone();
    }

    @Override
    public byte[] rawBody() {
        return rawBody.clone();
    }

    /** Whether the client asked for Server-Sent Events. */
    public boolean stream() {
        return body.path("stream").asBoolean(false);
    }

    /** The tool definitions offered to the model (a missing node when there are none). */
    public JsonNode tools() {
        return body.path("tools");
    }

    /** The names of the functions offered to the model, in order. */
    public List<String> toolNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : tools()) {
            names.add(tool.path("function").path("name").asString());
        }
        return names;
    }

    /** Every message of the conversation, in order. */
    public List<JsonNode> messages() {
        List<JsonNode> messages = new ArrayList<>();
        body.path("messages").forEach(messages::add);
        return messages;
    }

    /** The messages with this role, in order. */
    public List<JsonNode> messages(String role) {
        return messages().stream().filter(m -> role.equals(m.path("role").asString())).toList();
    }

    /** The text of the first system (or developer) message, or null when there is none. */
    public String systemText() {
        for (JsonNode m : messages()) {
            String role = m.path("role").asString();
            if (role.equals("system") || role.equals("developer")) {
                return text(m);
            }
        }
        return null;
    }

    /**
     * A message's content as text, whether it is a string or an array of text parts; empty when the message has
     * no text (an assistant message that only calls tools).
     */
    public static String text(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isString()) {
            return content.asString();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                text.append(part.path("text").asString(""));
            }
            return text.toString();
        }
        return "";
    }

    /** One tool result in the conversation: the tool the model called, and the text of the tool message. */
    public record ToolResult(String tool, String text) {
    }

    /** The results of the tool calls in the request's messages, in order, each matched to its call by id. */
    public List<ToolResult> toolResults() {
        java.util.Map<String, String> toolOfCall = new java.util.HashMap<>();
        List<ToolResult> results = new java.util.ArrayList<>();
        for (JsonNode m : messages()) {
            for (JsonNode call : m.path("tool_calls")) {
                toolOfCall.put(call.path("id").asString(), call.path("function").path("name").asString());
            }
            if ("tool".equals(m.path("role").asString())) {
                String tool = toolOfCall.get(m.path("tool_call_id").asString());
                if (tool == null) {
                    throw new IllegalStateException("a tool message for an unknown call: " + m);
                }
                results.add(new ToolResult(tool, text(m)));
            }
        }
        return results;
    }
}
