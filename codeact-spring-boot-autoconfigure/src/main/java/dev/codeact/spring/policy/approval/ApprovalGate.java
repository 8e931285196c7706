package dev.codeact.spring.policy.approval;

import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.policy.ToolNamePatterns;
import java.util.List;
import java.util.Map;

/**
 * Which tool calls need an {@link ApprovalHandler}'s yes (the tools whose names match the approval patterns), and
 * the asking itself. The tool bridge ({@code dev.codeact.spring.tools.ToolBridge}) puts {@link #check} in front of
 * each call; this class knows nothing of tools beyond their names.
 */
public final class ApprovalGate {
    public static final ApprovalGate NONE = new ApprovalGate(List.of(), null);

    private final ToolNamePatterns required;
    private final ApprovalHandler handler;

    /**
     * @param requiredPatterns tool-name patterns that need approval
     * @param handler the handler; required when there are patterns
     */
    public ApprovalGate(List<String> requiredPatterns, ApprovalHandler handler) {
        if (!requiredPatterns.isEmpty() && handler == null) {
            throw new IllegalStateException("codeact.tools.approval-required is set (" + String.join(", ", requiredPatterns)
                    + ") but there is no ApprovalHandler bean to ask");
        }
        this.required = ToolNamePatterns.of(requiredPatterns);
        this.handler = handler;
    }

    public boolean requiresApproval(String toolName) {
        return handler != null && required.matches(toolName);
    }

    /**
     * Asks the handler about one call of a tool that {@link #requiresApproval requires approval}; returns when it is
     * approved, and fails with the message the program sees when it is denied or the handler fails.
     */
    public void check(String toolName, String argumentsJson, Map<String, Object> toolContext) {
        ApprovalDecision decision;
        try {
            decision = handler.decide(new ApprovalRequest(toolName, argumentsJson, toolContext));
        } catch (RuntimeException e) {
            throw new HostFunctionException("tool '" + toolName + "' needs approval and the approval check failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "; the tool did not run");
        }
        if (decision == null || !decision.approved()) {
            throw new HostFunctionException("tool '" + toolName + "' needs approval and was denied: "
                    + (decision == null ? "no decision" : decision.reason()) + "; the tool did not run");
        }
    }
}
