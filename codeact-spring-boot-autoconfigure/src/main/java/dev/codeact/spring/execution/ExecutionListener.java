package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.spring.policy.fs.OutputFile;
import dev.codeact.spring.sandbox.Language;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Told about every program CodeAct runs, on the thread that ran it. Define beans of this type to log, meter
 * or collect executions; a chat request can carry its own collector in its tool context.
 */
@FunctionalInterface
public interface ExecutionListener {
    ExecutionListener NONE = execution -> {
    };

    void executed(Execution execution);

    /**
     * One finished execution.
     *
     * @param code the program
     * @param result what it produced
     * @param toolContext the tool context of the request that ran it (empty outside chats)
     * @param toolsCalled the tools the program called, in order (a tool called twice appears twice)
     * @param startedAt when the execution started
     * @param backend the sandbox backend that ran it
     * @param files the files the program left in /output
     * @param calls each tool call with its arguments, result or error and timing, in the order they started
     * @param language the language the program is written in
     */
    record Execution(String code, ExecutionResult result, Map<String, Object> toolContext, List<String> toolsCalled,
            Instant startedAt, String backend, List<OutputFile> files, List<ToolCall> calls, Language language) {
        public Execution {
            toolsCalled = List.copyOf(toolsCalled);
            files = List.copyOf(files);
            calls = List.copyOf(calls);
        }

        /** A JavaScript program's execution. */
        public Execution(String code, ExecutionResult result, Map<String, Object> toolContext, List<String> toolsCalled,
                Instant startedAt, String backend, List<OutputFile> files, List<ToolCall> calls) {
            this(code, result, toolContext, toolsCalled, startedAt, backend, files, calls, Language.JAVASCRIPT);
        }

        /** A JavaScript program's execution without per-call records. */
        public Execution(String code, ExecutionResult result, Map<String, Object> toolContext, List<String> toolsCalled,
                Instant startedAt, String backend, List<OutputFile> files) {
            this(code, result, toolContext, toolsCalled, startedAt, backend, files, List.of());
        }
    }

    /** Calls each listener in turn. */
    static ExecutionListener of(Iterable<ExecutionListener> listeners) {
        return execution -> listeners.forEach(l -> l.executed(execution));
    }
}
