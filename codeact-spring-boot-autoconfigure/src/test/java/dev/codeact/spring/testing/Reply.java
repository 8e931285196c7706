package dev.codeact.spring.testing;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * One turn of the fake model that {@link ScriptedOpenAiServer} answers a chat-completions request with: a call of
 * one tool, or of several in one message ({@code finish_reason} {@code tool_calls}), or a final text
 * ({@code finish_reason} {@code stop}).
 */
public sealed interface Reply permits Reply.ToolCall, Reply.ToolCalls, Reply.Text {

    /**
     * The assistant calls one tool.
     *
     * @param callId the tool call's id, which the client's tool message answers
     * @param toolName the function called
     * @param arguments the function's arguments, as the JSON text the API carries
     */
    record ToolCall(String callId, String toolName, String arguments) implements Reply {
    }

    /**
     * The assistant calls several tools in one message, as OpenAI models do with parallel tool calls; the client
     * runs them all and answers each with its own tool message.
     *
     * @param calls the calls, in order
     */
    record ToolCalls(List<ToolCall> calls) implements Reply {
        public ToolCalls {
            calls = List.copyOf(calls);
            if (calls.isEmpty()) {
                throw new IllegalArgumentException("parallel tool calls need at least one call");
            }
        }
    }

    /** The assistant answers with {@code text}. */
    record Text(String text) implements Reply {
    }

    /** The assistant calls {@code execute_code} with this program. */
    static Reply executeCode(String callId, String code) {
        return new ToolCall(callId, "execute_code", JsonMapper.shared().writeValueAsString(Map.of("code", code)));
    }

    /** The assistant answers with {@code text}. */
    static Reply text(String text) {
        return new Text(text);
    }
}
