package dev.codeact.spring.policy.approval;

import java.util.Map;

/**
 * One call that needs approval.
 *
 * @param toolName the tool the program wants to run
 * @param argumentsJson the arguments, as the tool would receive them
 * @param toolContext the chat request's tool context (user, tenant, ...), never null
 */
public record ApprovalRequest(String toolName, String argumentsJson, Map<String, Object> toolContext) {
    public ApprovalRequest {
        toolContext = toolContext == null ? Map.of() : toolContext;
    }
}
