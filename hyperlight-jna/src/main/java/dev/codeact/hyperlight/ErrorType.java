package dev.codeact.hyperlight;

/** Why an execution did not succeed. */
public enum ErrorType {
    /** The program does not parse. */
    SYNTAX(false),
    /** The program threw, or awaited a promise that never settled. */
    RUNTIME(false),
    /** The wall-clock limit stopped it. */
    TIMEOUT(true),
    /** The CPU-time limit stopped it. */
    CPU_LIMIT(true),
    /** The memory limit stopped it. */
    OUT_OF_MEMORY(true),
    /** Recursion ran past the stack limit. */
    STACK_OVERFLOW(true),
    /** A console stream or the result passed its size cap. */
    OUTPUT_LIMIT(true),
    /**
     * A host function failed and the program did not catch the error. Guests and reports may call it by a name of
     * their own: {@link HostCallWording#typeName}.
     */
    HOST_FUNCTION_ERROR(false),
    /** The guest crashed, aborted or broke the host-call protocol; the VM was restored. */
    GUEST_CRASH(false),
    /** No usable /dev/kvm. */
    KVM_UNAVAILABLE(false),
    /** No sandbox became free within the pool's wait limit. */
    POOL_EXHAUSTED(true),
    /** The sandbox itself failed (not the program). */
    SANDBOX_FAILURE(false),
    /**
     * Not a failure of the program: a host call suspended it ({@link SuspendCall}) to wait for a decision, such as a
     * person's approval; its state was kept and it continues where it stopped when the decision is given.
     */
    PENDING_APPROVAL(false),
    /** A session's state grew past its size bound; the session was dropped. */
    SESSION_LIMIT(true),
    /**
     * A session's stored state could not be used (taken on another guest image or layout, or malformed); it was
     * refused whole, never restored, and dropped.
     */
    SESSION_REFUSED(false);

    private final boolean limit;

    ErrorType(boolean limit) {
        this.limit = limit;
    }

    /** True when a resource limit, not the program's own logic, ended the execution. */
    public boolean isLimit() {
        return limit;
    }
}
