package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionResult;
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
     */
    record Execution(String code, ExecutionResult result, Map<String, Object> toolContext) {
    }

    /** Calls each listener in turn. */
    static ExecutionListener of(Iterable<ExecutionListener> listeners) {
        return execution -> listeners.forEach(l -> l.executed(execution));
    }
}
