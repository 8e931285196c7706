package dev.codeact.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop assistant answered with code. The {@code @Tool} beans in {@code shop} and {@code conversion} are plain
 * Spring beans; the CodeAct starter turns every request made through the injected {@code ChatClient.Builder}
 * into one {@code execute_code} tool whose programs call those beans inside a sandbox.
 *
 * <ul>
 *   <li>{@code POST /api/chat} asks the configured chat model (any OpenAI-compatible server);</li>
 *   <li>{@code POST /api/execute} runs a program directly against the same tools, no model involved;</li>
 *   <li>{@code GET /api/tools} shows the TypeScript declarations the model is given.</li>
 * </ul>
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
