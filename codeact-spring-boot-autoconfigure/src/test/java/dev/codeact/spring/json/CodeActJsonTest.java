package dev.codeact.spring.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.JsonNesting;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/** The CodeAct layer's one mapper parses exactly as deep as the sandboxes let JSON nest, and no deeper. */
class CodeActJsonTest {
    @Test
    void itParsesWhatTheSandboxLetsThroughAndRefusesDeeper() {
        int limit = JsonNesting.MAX_DEPTH;
        assertThat(CodeActJson.MAPPER.readTree("[".repeat(limit) + "]".repeat(limit)).isArray()).isTrue();
        assertThatThrownBy(() -> CodeActJson.MAPPER.readTree("[".repeat(limit + 1) + "]".repeat(limit + 1)))
                .isInstanceOf(JacksonException.class).hasMessageContaining("nesting depth");
    }
}
