package dev.codeact.hyperlight;

/** A host function's failure whose message is meant for the guest program. */
public class HostFunctionException extends RuntimeException {
    public HostFunctionException(String message) {
        super(message);
    }

    public HostFunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
