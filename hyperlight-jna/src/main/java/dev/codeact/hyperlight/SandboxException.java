package dev.codeact.hyperlight;

/** The sandbox itself failed, as opposed to the program it ran. Carries the {@link ErrorType} to report. */
public class SandboxException extends RuntimeException {
    private final ErrorType type;

    public SandboxException(ErrorType type, String message) {
        super(message);
        this.type = type;
    }

    public SandboxException(ErrorType type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }
}
