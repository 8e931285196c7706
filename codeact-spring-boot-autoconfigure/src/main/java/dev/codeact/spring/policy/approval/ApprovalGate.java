package dev.codeact.spring.policy.approval;

import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.SuspendCall;
import dev.codeact.spring.policy.ToolNamePatterns;
import java.util.List;
import java.util.Map;

/**
 * Which tool calls need approval (the tools whose names match the approval patterns), and how it is asked for: an
 * {@link ApprovalHandler}'s yes while the program waits ({@link ApprovalMode#ASK}), or a person's decision given
 * later, for which the program is suspended at the call ({@link ApprovalMode#SUSPEND}). The tool bridge
 * ({@code dev.codeact.spring.tools.ToolBridge}) puts {@link #check} in front of each call; this class knows nothing
 * of tools beyond their names.
 */
public final class ApprovalGate {
    public static final ApprovalGate NONE = new ApprovalGate(List.of(), null);

    private final ToolNamePatterns required;
    private final ApprovalHandler handler;
    private final ApprovalMode mode;

    /**
     * @param requiredPatterns tool-name patterns that need approval
     * @param handler the handler; required when there are patterns
     */
    public ApprovalGate(List<String> requiredPatterns, ApprovalHandler handler) {
        this(requiredPatterns, handler, ApprovalMode.ASK);
    }

    /**
     * @param requiredPatterns tool-name patterns that need approval
     * @param handler the handler; required when there are patterns and the mode is {@link ApprovalMode#ASK}
     * @param mode how approval is asked for
     */
    public ApprovalGate(List<String> requiredPatterns, ApprovalHandler handler, ApprovalMode mode) {
        if (!requiredPatterns.isEmpty() && handler == null && mode == ApprovalMode.ASK) {
            throw new IllegalStateException("codeact.tools.approval-required is set (" + String.join(", ", requiredPatterns)
                    + ") but there is no ApprovalHandler bean to ask (or set codeact.tools.approval-mode=suspend to"
                    + " suspend programs until a person decides through CodeActApprovals)");
        }
        this.required = ToolNamePatterns.of(requiredPatterns);
        this.handler = handler;
        this.mode = mode;
    }

    public boolean requiresApproval(String toolName) {
        return (handler != null || mode == ApprovalMode.SUSPEND) && required.matches(toolName);
    }

    /** Whether a call that needs approval suspends its program ({@link ApprovalMode#SUSPEND}). */
    public boolean suspends() {
        return mode == ApprovalMode.SUSPEND;
    }

    /** What a call that needs approval throws in {@link ApprovalMode#SUSPEND}: the program stops at the call. */
    public static SuspendCall suspension(String toolName) {
        return new SuspendCall("tool '" + toolName + "' needs a person's approval");
    }

    /**
     * Asks the handler about one call of a tool that {@link #requiresApproval requires approval}; returns when it is
     * approved, and fails with the message the program sees when it is denied or the handler fails.
     */
    public void check(String toolName, String argumentsJson, Map<String, Object> toolContext) {
        if (mode == ApprovalMode.SUSPEND) {
            throw suspension(toolName);
        }
        ApprovalDecision decision;
        try {
            decision = handler.decide(new ApprovalRequest(toolName, argumentsJson, toolContext));
        } catch (RuntimeException e) {
            throw new HostFunctionException("tool '" + toolName + "' needs approval and the approval check failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "; the tool did not run");
        }
        if (decision == null || !decision.approved()) {
            throw new HostFunctionException(denial(toolName, decision == null ? "no decision" : decision.reason()));
        }
    }

    /** What a program's call of a denied tool throws (as a ToolError), for either mode. */
    public static String denial(String toolName, String reason) {
        return "tool '" + toolName + "' needs approval and was denied: " + reason + "; the tool did not run";
    }
}
