package dev.codeact.spring.execution;

/**
 * Told how a program went on once its approval was decided ({@link CodeActApprovals}): the decision and the program's
 * execution from its call on (finished, failed, or waiting for another approval). Where {@link ApprovalListener} audits
 * a decision before the program resumes, this one carries the outcome on, for example into the chat the program
 * belongs to. A listener that throws is logged; the decision stands.
 */
@FunctionalInterface
public interface ResumeListener {
    /** Tells no one. */
    ResumeListener NONE = (decision, execution) -> {
    };

    void resumed(ApprovalRecord decision, CodeExecution execution);

    /** Calls each listener in turn. */
    static ResumeListener of(Iterable<ResumeListener> listeners) {
        return (decision, execution) -> listeners.forEach(l -> l.resumed(decision, execution));
    }
}
