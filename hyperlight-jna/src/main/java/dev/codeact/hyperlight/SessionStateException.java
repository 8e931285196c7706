package dev.codeact.hyperlight;

/**
 * A session's state could not be taken or used. Nothing is truncated or half-restored: a state that does not belong
 * to the VM, does not fit the bound, or is malformed is refused whole, before the VM runs anything from it.
 */
public class SessionStateException extends SandboxException {
    /** Why. */
    public enum Reason {
        /** The state was taken on another guest image (its content key differs). */
        OTHER_IMAGE,
        /** The state was taken on a VM of another memory layout. */
        OTHER_LAYOUT,
        /** The state is, or would be, larger than the bound the caller set. */
        TOO_LARGE,
        /** The bytes are not a session state, or one this version cannot read. */
        MALFORMED,
        /** A program was given a state suspended at a host call: it must be resumed first. */
        SUSPENDED,
        /** A resume was asked for a state that is not suspended at a host call. */
        NOT_SUSPENDED
    }

    private final Reason reason;
    private final transient ExecutionResult result;

    public SessionStateException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** With the result of the execution whose state could not be kept (its output still stands). */
    public SessionStateException(Reason reason, String message, ExecutionResult result) {
        super(ErrorType.SANDBOX_FAILURE, message);
        this.reason = reason;
        this.result = result;
    }

    public Reason reason() {
        return reason;
    }

    /** The execution that ran before the state was refused, or null when nothing ran. */
    public ExecutionResult result() {
        return result;
    }
}
