package dev.codeact.spring.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI chat-completions wire format of a {@link Reply}: one {@code chat.completion} object, or the
 * {@code chat.completion.chunk} events of a streamed answer; and the API's error body. Writes JSON only; the HTTP
 * exchange is {@link ScriptedOpenAiServer}'s.
 */
final class ChatCompletionJson {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Completion tokens reported for every reply: the fake model's usage is made up. */
    private static final int COMPLETION_TOKENS = 20;

    private ChatCompletionJson() {
    }

    /** A whole {@code chat.completion} answering with {@code reply}. */
    static ObjectNode completion(String id, String model, Reply reply, int promptTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.putNull("refusal");
        List<Reply.ToolCall> calls = toolCalls(reply);
        if (!calls.isEmpty()) {
            message.putNull("content");
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (Reply.ToolCall call : calls) {
                ObjectNode toolCall = toolCalls.addObject();
                toolCall.put("id", call.callId());
                toolCall.put("type", "function");
                toolCall.putObject("function").put("name", call.toolName()).put("arguments", call.arguments());
            }
            choice.put("finish_reason", "tool_calls");
        } else {
            message.put("content", ((Reply.Text) reply).text());
            choice.put("finish_reason", "stop");
        }
        choice.putNull("logprobs");
        root.set("usage", usage(promptTokens));
        return root;
    }

    /**
     * Writes {@code reply} as OpenAI streams it: a role chunk, content or tool-call argument deltas, a finish
     * chunk, a usage chunk when {@code promptTokens >= 0} (the client asked for {@code include_usage}), then
     * {@code [DONE]}; each event flushed on its own.
     */
    static void stream(OutputStream out, String id, String model, Reply reply, int promptTokens) throws IOException {
        long created = Instant.now().getEpochSecond();
        List<Reply.ToolCall> calls = toolCalls(reply);
        if (!calls.isEmpty()) {
            // each call as OpenAI streams it: its id and name under its index, then its arguments in pieces
            for (int index = 0; index < calls.size(); index++) {
                Reply.ToolCall call = calls.get(index);
                ObjectNode first = JSON.createObjectNode();
                if (index == 0) {
                    first.put("role", "assistant");
                    first.putNull("content");
                }
                ObjectNode toolCall = first.putArray("tool_calls").addObject();
                toolCall.put("index", index);
                toolCall.put("id", call.callId());
                toolCall.put("type", "function");
                toolCall.putObject("function").put("name", call.toolName()).put("arguments", "");
                event(out, chunk(id, created, model, first, null));
                for (String piece : pieces(call.arguments(), 4)) {
                    ObjectNode delta = JSON.createObjectNode();
                    ObjectNode d = delta.putArray("tool_calls").addObject();
                    d.put("index", index);
                    d.putObject("function").put("arguments", piece);
                    event(out, chunk(id, created, model, delta, null));
                }
            }
            event(out, chunk(id, created, model, JSON.createObjectNode(), "tool_calls"));
        } else {
            ObjectNode first = JSON.createObjectNode();
            first.put("role", "assistant");
            first.put("content", "");
            event(out, chunk(id, created, model, first, null));
            for (String piece : pieces(((Reply.Text) reply).text(), 3)) {
                event(out, chunk(id, created, model, JSON.createObjectNode().put("content", piece), null));
            }
            event(out, chunk(id, created, model, JSON.createObjectNode(), "stop"));
        }
        if (promptTokens >= 0) {
            ObjectNode last = JSON.createObjectNode();
            last.put("id", id);
            last.put("object", "chat.completion.chunk");
            last.put("created", created);
            last.put("model", model);
            last.putArray("choices");
            last.set("usage", usage(promptTokens));
            event(out, last);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The tool calls of a reply, in order; none for a text. */
    private static List<Reply.ToolCall> toolCalls(Reply reply) {
        if (reply instanceof Reply.ToolCall call) {
            return List.of(call);
        }
        return reply instanceof Reply.ToolCalls calls ? calls.calls() : List.of();
    }

    /** The API's error body, of type {@code invalid_request_error}. */
    static ObjectNode error(String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", "invalid_request_error");
        error.putNull("param");
        error.putNull("code");
        return root;
    }

    private static ObjectNode usage(int promptTokens) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", COMPLETION_TOKENS);
        usage.put("total_tokens", promptTokens + COMPLETION_TOKENS);
        return usage;
    }

    private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion.chunk");
        root.put("created", created);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return root;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Splits text into at most {@code n} non-empty pieces, never inside a surrogate pair. */
    private static List<String> pieces(String text, int n) {
        List<String> pieces = new ArrayList<>();
        int size = Math.max(1, (text.length() + n - 1) / n);
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + size);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            pieces.add(text.substring(i, end));
            i = end;
        }
        return pieces;
    }
}
