package dev.codeact.sample.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.execution.ToolCall;
import dev.codeact.spring.policy.fs.OutputFile;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One execution as the API returns it. {@code result} is the program's return value as JSON (not a string).
 * {@code code} is present in chat answers (the program the model wrote) and left out of {@code /api/execute};
 * {@code files} (what the program wrote to /output) is present in {@code /api/execute} answers only.
 * {@code conversationId} is present when the program ran in a conversation's session ({@code codeact.sessions.enabled}),
 * {@code pending} when it is suspended at a call that waits for a person's approval
 * ({@code codeact.tools.approval-mode=suspend}; {@code error.type} is then PENDING_APPROVAL).
 *
 * @param code the program, in chat answers
 * @param success whether the program ran to completion
 * @param stdout what console.log (or Python's print) printed
 * @param stderr what console.warn and console.error (or Python's sys.stderr) printed
 * @param result what the program returned, or null
 * @param error why it failed, or null
 * @param durationMs wall-clock time of the execution in milliseconds
 * @param toolCalls how many times the program called a tool
 * @param toolsCalled the tools it called, in order
 * @param calls each tool call with its arguments, result or error and timing, in order (the playground's timeline)
 * @param files the files it left in /output, in /api/execute answers
 * @param language the language the program is written in: javascript or python
 * @param conversationId the conversation whose session the program ran in, when it ran in one
 * @param pending the approval the program waits for, when it waits
 */
public record ExecutionView(
        @JsonInclude(JsonInclude.Include.NON_NULL) String code,
        boolean success,
        String stdout,
        String stderr,
        JsonNode result,
        Error error,
        double durationMs,
        int toolCalls,
        List<String> toolsCalled,
        List<Call> calls,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<OutputFile> files,
        String language,
        @JsonInclude(JsonInclude.Include.NON_NULL) String conversationId,
        @JsonInclude(JsonInclude.Include.NON_NULL) ApprovalView pending) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Why an execution failed.
     *
     * @param type SYNTAX, RUNTIME, TOOL_ERROR, TIMEOUT, CPU_LIMIT, OUT_OF_MEMORY, STACK_OVERFLOW, OUTPUT_LIMIT,
     *     GUEST_CRASH, KVM_UNAVAILABLE, POOL_EXHAUSTED, SANDBOX_FAILURE, PENDING_APPROVAL, SESSION_LIMIT or
     *     SESSION_REFUSED
     * @param message what went wrong
     * @param name the JavaScript error's name (TypeError, ToolError, ...), if any
     */
    public record Error(String type, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String name) {
    }

    /**
     * One tool call made by the program.
     *
     * @param name the tool
     * @param arguments what the program passed, as JSON
     * @param result what the tool returned, as JSON; null when it failed
     * @param error why it failed (what the program's ToolError says); null when it succeeded
     * @param startMs when the call started, in milliseconds from the start of the execution
     * @param durationMs how long the call took, in milliseconds
     */
    public record Call(String name, JsonNode arguments, JsonNode result, String error, double startMs, double durationMs) {
        static Call of(ToolCall c) {
            return new Call(c.name(), json(c.arguments()), c.success() ? json(c.result()) : null, c.error(),
                    millis(c.startOffset()), millis(c.duration()));
        }
    }

    /** A direct execution ({@code /api/execute}). */
    public static ExecutionView of(CodeExecution execution) {
        return of(null, execution.result(), execution.toolsCalled(), execution.calls(), execution.files(),
                execution.language(), execution.conversationId(),
                execution.pending() == null ? null : ApprovalView.of(execution.pending()));
    }

    /** An execution the model asked for, as an {@code ExecutionListener} saw it. */
    public static ExecutionView of(ExecutionListener.Execution execution) {
        return of(execution.code(), execution.result(), execution.toolsCalled(), execution.calls(), null,
                execution.language(), null, null);
    }

    private static ExecutionView of(String code, ExecutionResult r, List<String> toolsCalled, List<ToolCall> calls,
            List<OutputFile> files, Language language, String conversationId, ApprovalView pending) {
        ExecutionError e = r.error();
        return new ExecutionView(code, r.success(), r.stdout(), r.stderr(),
                r.resultJson() == null ? null : JSON.readTree(r.resultJson()),
                e == null ? null : new Error(GuestStrings.HOST_CALL_WORDING.typeName(e.type()), e.message(), e.name()),
                millis(r.duration()), r.hostCalls(), toolsCalled, calls.stream().map(Call::of).toList(), files,
                language.id(), conversationId, pending);
    }

    private static double millis(Duration d) {
        return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
    }

    /** JSON as a tree; text that is not JSON (a tool may answer plain text) stays a string. */
    static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException notJson) {
            return JSON.getNodeFactory().stringNode(text);
        }
    }
}
