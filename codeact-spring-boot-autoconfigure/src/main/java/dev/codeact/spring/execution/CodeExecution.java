package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.spring.policy.fs.OutputFile;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.session.PendingApproval;
import java.util.List;

/**
 * One program's run as the application sees it.
 *
 * @param result what the sandbox reported
 * @param files the files the program left in /output
 * @param toolsCalled the tools it called, in order
 * @param calls each tool call with its arguments, result or error and timing, in the order they started
 * @param language the language the program is written in
 * @param conversationId the conversation whose session it ran in, or null when it ran in none
 * @param pending the approval the program waits for ({@code ErrorType.PENDING_APPROVAL}), or null
 */
public record CodeExecution(ExecutionResult result, List<OutputFile> files, List<String> toolsCalled, List<ToolCall> calls,
        Language language, String conversationId, PendingApproval pending) {
    public CodeExecution {
        files = List.copyOf(files);
        toolsCalled = List.copyOf(toolsCalled);
        calls = List.copyOf(calls);
    }

    /** An execution outside any session. */
    public CodeExecution(ExecutionResult result, List<OutputFile> files, List<String> toolsCalled, List<ToolCall> calls,
            Language language) {
        this(result, files, toolsCalled, calls, language, null, null);
    }

    /** A JavaScript program's execution. */
    public CodeExecution(ExecutionResult result, List<OutputFile> files, List<String> toolsCalled, List<ToolCall> calls) {
        this(result, files, toolsCalled, calls, Language.JAVASCRIPT);
    }

    /** A JavaScript program's execution without per-call records. */
    public CodeExecution(ExecutionResult result, List<OutputFile> files, List<String> toolsCalled) {
        this(result, files, toolsCalled, List.of());
    }
}
