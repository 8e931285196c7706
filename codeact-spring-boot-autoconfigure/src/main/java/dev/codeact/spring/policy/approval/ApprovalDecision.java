package dev.codeact.spring.policy.approval;

/**
 * The answer to an {@link ApprovalRequest}.
 *
 * @param approved whether the tool may run
 * @param reason why not (shown to the program, and so to the model), or a note
 */
public record ApprovalDecision(boolean approved, String reason) {
    public static ApprovalDecision approve() {
        return new ApprovalDecision(true, "");
    }

    public static ApprovalDecision deny(String reason) {
        return new ApprovalDecision(false, reason == null || reason.isBlank() ? "no reason given" : reason);
    }
}
