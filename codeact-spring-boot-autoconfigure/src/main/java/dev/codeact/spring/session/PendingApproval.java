package dev.codeact.spring.session;

import dev.codeact.spring.sandbox.Language;
import java.time.Instant;
import java.util.Map;

/**
 * A program suspended at a call of a tool that needs a person's approval ({@code codeact.tools.approval-mode=suspend}).
 * Its VM state is kept next to it in the {@link SessionStore}; a decision continues the program at that call.
 *
 * @param id the approval's id, unguessable, as decisions name it
 * @param conversationId the conversation the program ran for (in its session when sessions are on), or null
 * @param language the program's language
 * @param tool the tool it called
 * @param argumentsJson the exact arguments of that call, as the tool receives them when approved
 * @param toolContext the call's tool context (user, tenant, ...), never null
 * @param createdAt when the program was suspended
 * @param expiresAt when an undecided approval counts as denied
 * @param stateBytes the size of the kept VM state (pages and registers)
 */
public record PendingApproval(String id, String conversationId, Language language, String tool, String argumentsJson,
        Map<String, Object> toolContext, Instant createdAt, Instant expiresAt, long stateBytes) {
    public PendingApproval {
        toolContext = toolContext == null ? Map.of() : Map.copyOf(toolContext);
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** The session this program belongs to when sessions are on ({@code codeact.sessions.enabled}), or null. */
    public SessionKey sessionKey() {
        return conversationId == null ? null : new SessionKey(conversationId, language);
    }
}
