package dev.codeact.spring.advisor;

import dev.codeact.spring.session.PendingApproval;
import java.util.List;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * Surfaces the approvals a chat turn's programs wait for ({@code codeact.tools.approval-mode=suspend}) to the
 * application, which decides them through {@code CodeActApprovals}: under {@link #KEY} in the {@link ChatResponse}'s
 * metadata (what {@code chatClient.prompt()...call().chatResponse()} returns) and in the {@link ChatClientResponse}'s
 * context (what advisors outside CodeAct's see), as a {@code List<PendingApproval>}.
 */
public final class PendingApprovalsInResponse {
    /** The key of the pending approvals in the response's metadata and context. */
    public static final String KEY = "codeact.pendingApprovals";

    private PendingApprovalsInResponse() {
    }

    /** {@code response} with {@code pending} attached; unchanged when nothing is pending. */
    public static ChatClientResponse attach(ChatClientResponse response, List<PendingApproval> pending) {
        if (pending.isEmpty() || response == null) {
            return response;
        }
        ChatClientResponse.Builder withPending = response.mutate().context(KEY, pending);
        if (response.chatResponse() != null) {
            withPending.chatResponse(ChatResponse.builder().from(response.chatResponse()).metadata(KEY, pending).build());
        }
        return withPending.build();
    }

    /** The pending approvals a chat response carries, empty when none. */
    @SuppressWarnings("unchecked")
    public static List<PendingApproval> of(ChatResponse response) {
        Object pending = response == null ? null : response.getMetadata().get(KEY);
        return pending instanceof List<?> list ? (List<PendingApproval>) list : List.of();
    }
}
