package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.GuestStrings;

/**
 * A program's failure as its execution's observation records it: the error an observation carries is what
 * Micrometer tags as {@code error} and tracing records on the span. Programs fail with results, not exceptions, so
 * this is never thrown.
 */
public final class ExecutionFailedException extends RuntimeException {
    private final ErrorType type;

    public ExecutionFailedException(ExecutionError error) {
        super(GuestStrings.HOST_CALL_WORDING.typeName(error.type()) + ": " + error.message(), null, false, false);
        this.type = error.type();
    }

    public ErrorType type() {
        return type;
    }
}
