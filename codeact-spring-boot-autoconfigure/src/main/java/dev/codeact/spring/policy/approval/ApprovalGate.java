package dev.codeact.spring.policy.approval;

import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.tools.ToolNamePatterns;
import java.util.List;
import java.util.Map;

/** Puts an {@link ApprovalHandler} in front of the tools whose names match the approval patterns. */
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

    /** The tool's function, asking the handler first on every call when the tool needs approval. */
    public HostFunction guard(String toolName, Map<String, Object> toolContext, HostFunction tool) {
        if (!requiresApproval(toolName)) {
            return tool;
        }
        return (BoundedHostFunction) (argumentsJson, deadline) -> {
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
            return tool.call(argumentsJson, deadline);
        };
    }
}
