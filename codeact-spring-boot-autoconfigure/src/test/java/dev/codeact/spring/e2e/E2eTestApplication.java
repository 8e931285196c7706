package dev.codeact.spring.e2e;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The application under test: plain auto-configuration (the OpenAI starter, Spring AI's ChatClient and the
 * CodeAct starter) plus two beans with {@code @Tool} methods.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({CustomerTools.class, OrderTools.class})
public class E2eTestApplication {
}
