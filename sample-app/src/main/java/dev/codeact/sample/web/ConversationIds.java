package dev.codeact.sample.web;

import dev.codeact.spring.session.SessionKey;

/**
 * The {@code conversationId} of a request to {@code /api/execute} or {@code /api/chat}: programs with the same id
 * continue from the state the previous one left ({@code codeact.sessions.enabled}). Checked here, where the request
 * can still be refused with a 400, rather than deep in the executor.
 */
final class ConversationIds {
    private ConversationIds() {
    }

    /** The id to run with: null for none (absent or blank); longer than a session key takes is a bad request. */
    static String of(String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        if (requested.length() > SessionKey.MAX_CONVERSATION_ID_CHARS) {
            throw ApiErrors.badRequest("'conversationId' is at most " + SessionKey.MAX_CONVERSATION_ID_CHARS
                    + " characters; this one has " + requested.length());
        }
        return requested;
    }
}
