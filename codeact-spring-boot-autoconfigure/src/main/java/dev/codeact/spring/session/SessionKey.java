package dev.codeact.spring.session;

import dev.codeact.spring.sandbox.Language;

/**
 * Which session a program runs in: a conversation's, for programs in one language (a JavaScript program and a
 * Python program of one conversation run on different guest images, so each language has its own state).
 *
 * @param conversationId the conversation id, as Spring AI's chat memory uses it ({@code ChatMemory.CONVERSATION_ID})
 * @param language the programs' language
 */
public record SessionKey(String conversationId, Language language) {
    /** Longest conversation id taken: ids come from requests, and key a store. */
    public static final int MAX_CONVERSATION_ID_CHARS = 256;

    public SessionKey {
        if (conversationId == null || conversationId.isBlank()) {
            throw new IllegalArgumentException("a session needs a conversation id");
        }
        if (conversationId.length() > MAX_CONVERSATION_ID_CHARS) {
            throw new IllegalArgumentException("a conversation id is at most " + MAX_CONVERSATION_ID_CHARS
                    + " characters; this one has " + conversationId.length());
        }
        if (language == null) {
            throw new IllegalArgumentException("a session needs a language");
        }
    }

    /** The key as one string, the language first: {@code javascript:<conversation id>}. */
    public String id() {
        return language.id() + ":" + conversationId;
    }
}
