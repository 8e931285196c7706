package dev.codeact.sample;

import static dev.codeact.sample.Chromium.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The playground's chat tab when no model is configured: it says so before anything is asked, and a question gets
 * the reason {@code /api/chat} gives with its 503. Same configuration as {@link ExecuteApiTest}, so the test
 * context is shared with it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "codeact.sandbox.backend=auto",
        "spring.ai.openai.api-key=",
        "spring.ai.openai.base-url=https://api.openai.com/v1"})
class PlaygroundWithoutModelBrowserTest {
    static Chromium chromium;

    /** One browser for the class, started before the first test (per test, so that a skip is reported per test). */
    @BeforeEach
    void browser() {
        if (chromium == null) {
            chromium = Chromium.start();
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @LocalServerPort
    int port;

    @Test
    void theChatTabSaysThatNoModelIsConfiguredAndWhy() {
        chromium.driver.get("http://127.0.0.1:" + port + "/#chat");
        assertThat(chromium.await("#model-status").getDomAttribute("class")).isEqualTo("notice warn");
        assertThat(text(chromium.await("#model-status"))).startsWith("No chat model is configured.");

        chromium.await("#suggestions button").click();

        String reason = new ApiClient(port).postJson("/api/chat", Map.of("message", "Hello")).json().path("detail").asString();
        assertThat(reason).startsWith("No chat model is configured");
        assertThat(text(chromium.await("#chat-output [data-field=problem]"))).isEqualTo("No model to ask. " + reason);
        assertThat(chromium.all("#chat-output .execution")).isEmpty();
    }
}
