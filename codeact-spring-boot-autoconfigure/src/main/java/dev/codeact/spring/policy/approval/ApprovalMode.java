package dev.codeact.spring.policy.approval;

/** How a call of a tool that needs approval is decided ({@code codeact.tools.approval-mode}). */
public enum ApprovalMode {
    /** The {@link ApprovalHandler} bean is asked while the program waits on the sandbox's thread. */
    ASK,
    /**
     * The program is suspended at the call and its VM state kept as a pending approval; a person decides later,
     * through {@code CodeActApprovals}, possibly on another replica, and the program continues at the call.
     */
    SUSPEND
}
