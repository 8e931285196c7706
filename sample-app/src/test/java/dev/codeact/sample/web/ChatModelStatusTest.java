package dev.codeact.sample.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The rule behind /api/chat's 503: a key, or a base URL that is not OpenAI's, means a model is configured. */
class ChatModelStatusTest {

    @Test
    void noKeyAndOpenAisUrlIsNotConfigured() {
        assertThat(status("", "https://api.openai.com/v1").configured()).isFalse();
        assertThat(status(null, null).configured()).isFalse();
        assertThat(status("  ", "https://API.openai.com").configured()).isFalse();
    }

    @Test
    void aKeyIsEnough() {
        assertThat(status("sk-test", "https://api.openai.com/v1").configured()).isTrue();
        assertThat(status("sk-test", null).configured()).isTrue();
    }

    @Test
    void anotherServerNeedsNoKey() {
        assertThat(status("", "http://localhost:11434/v1").configured()).isTrue();
        assertThat(status(null, "https://llm.internal.example.com/v1").configured()).isTrue();
    }

    @Test
    void theChatSpecificPropertiesWin() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.ai.openai.api-key", "")
                .withProperty("spring.ai.openai.base-url", "https://api.openai.com/v1")
                .withProperty("spring.ai.openai.chat.base-url", "http://127.0.0.1:8000/v1");
        assertThat(new ChatModelStatus(env).configured()).isTrue();
    }

    private static ChatModelStatus status(String key, String baseUrl) {
        MockEnvironment env = new MockEnvironment();
        if (key != null) {
            env.setProperty("spring.ai.openai.api-key", key);
        }
        if (baseUrl != null) {
            env.setProperty("spring.ai.openai.base-url", baseUrl);
        }
        return new ChatModelStatus(env);
    }
}
