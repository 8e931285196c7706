package dev.codeact.hyperlight;

/**
 * What went wrong in an execution.
 *
 * @param type the kind of failure
 * @param message a readable explanation
 * @param name the JavaScript error's name (TypeError, RangeError, ...), or null
 * @param stack the JavaScript stack trace, or null
 */
public record ExecutionError(ErrorType type, String message, String name, String stack) {
    public ExecutionError {
        if (type == null || message == null) {
            throw new IllegalArgumentException("type and message are required");
        }
    }

    public static ExecutionError of(ErrorType type, String message) {
        return new ExecutionError(type, message, null, null);
    }
}
