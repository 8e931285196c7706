package dev.codeact.spring.execution;

/**
 * Told about every approval decision, before the program resumes (an audit log, a notification). Define beans of
 * this type; each decision is also logged and observed as {@code codeact.approval}.
 */
@FunctionalInterface
public interface ApprovalListener {
    void decided(ApprovalRecord decision);

    /** Calls each listener in turn. */
    static ApprovalListener of(Iterable<ApprovalListener> listeners) {
        return decision -> listeners.forEach(l -> l.decided(decision));
    }
}
