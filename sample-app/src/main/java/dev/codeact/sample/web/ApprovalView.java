package dev.codeact.sample.web;

import dev.codeact.spring.session.PendingApproval;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A program's call that waits for a person's approval, as the API shows it: in {@code GET /api/approvals} and as the
 * {@code pending} field of an execution that stopped at it. The kept VM state and the tool context stay on the server.
 *
 * @param id what {@code POST /api/approvals/{id}} names
 * @param tool the tool the program called
 * @param args the call's arguments, as JSON
 * @param conversationId the conversation the program ran in, or null
 * @param language the program's language
 * @param createdAt when the program was suspended
 * @param expiresAt when an undecided approval counts as denied
 */
public record ApprovalView(String id, String tool, JsonNode args, String conversationId, String language,
        Instant createdAt, Instant expiresAt) {

    static ApprovalView of(PendingApproval approval) {
        return new ApprovalView(approval.id(), approval.tool(), ExecutionView.json(approval.argumentsJson()),
                approval.conversationId(), approval.language().id(), approval.createdAt(), approval.expiresAt());
    }
}
