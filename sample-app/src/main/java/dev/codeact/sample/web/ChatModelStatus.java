package dev.codeact.sample.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Whether a chat model is configured, decided once from the OpenAI properties.
 *
 * <p>The rule: a model is configured when an API key is set ({@code spring.ai.openai.api-key}, from
 * {@code OPENAI_API_KEY}), or when the base URL points anywhere other than api.openai.com (a local or
 * self-hosted OpenAI-compatible server such as Ollama, vLLM, LM Studio or llama.cpp usually needs no key).
 * Without either, requests to {@code /api/chat} would only reach OpenAI unauthenticated and fail, so the
 * endpoint answers 503 instead and says what to set. The chat-specific properties
 * ({@code spring.ai.openai.chat.api-key} / {@code .base-url}) take precedence, as in Spring AI.
 */
@Component
public class ChatModelStatus implements InfoContributor {
    static final String OPENAI_HOST = "api.openai.com";

    private final String baseUrl;
    private final String model;
    private final boolean hasApiKey;

    public ChatModelStatus(Environment env) {
        this.baseUrl = first(env, "spring.ai.openai.chat.base-url", "spring.ai.openai.base-url");
        this.model = first(env, "spring.ai.openai.chat.model", "spring.ai.openai.model");
        this.hasApiKey = StringUtils.hasText(first(env, "spring.ai.openai.chat.api-key", "spring.ai.openai.api-key"));
    }

    public boolean configured() {
        return hasApiKey || (StringUtils.hasText(baseUrl) && !OPENAI_HOST.equalsIgnoreCase(host(baseUrl)));
    }

    /** What to tell a caller when no model is configured. */
    public String howToConfigure() {
        return "No chat model is configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for another "
                + "OpenAI-compatible server (e.g. http://localhost:11434/v1 for Ollama) and OPENAI_MODEL for its model. "
                + "POST /api/execute works without a model.";
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> chat = new LinkedHashMap<>();
        chat.put("configured", configured());
        chat.put("baseUrl", baseUrl);
        chat.put("model", model);
        builder.withDetail("chatModel", chat);
    }

    private static String first(Environment env, String... names) {
        for (String name : names) {
            String value = env.getProperty(name);
            if (StringUtils.hasText(value)) {
                return value.strip();
            }
        }
        return null;
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
