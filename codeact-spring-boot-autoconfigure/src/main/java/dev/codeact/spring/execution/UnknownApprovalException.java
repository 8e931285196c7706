package dev.codeact.spring.execution;

/** A decision named an approval that is not pending: never made, already decided (on any replica), or forgotten. */
public class UnknownApprovalException extends RuntimeException {
    private final String id;

    public UnknownApprovalException(String id) {
        super("no pending approval " + id + ": it was already decided, or never existed, or its store forgot it");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
