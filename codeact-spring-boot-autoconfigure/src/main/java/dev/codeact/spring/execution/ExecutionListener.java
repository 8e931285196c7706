package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.spring.policy.fs.OutputFile;
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
     */
    record Execution(String code, ExecutionResult result, Map<String, Object> toolContext, List<String> toolsCalled,
            Instant startedAt, String backend, List<OutputFile> files) {
        public Execution {
            toolsCalled = List.copyOf(toolsCalled);
            files = List.copyOf(files);
        }
    }

    /** Calls each listener in turn. */
    static ExecutionListener of(Iterable<ExecutionListener> listeners) {
        return execution -> listeners.forEach(l -> l.executed(execution));
    }
}
