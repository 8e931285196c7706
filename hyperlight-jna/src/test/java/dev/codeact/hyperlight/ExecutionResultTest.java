package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;


import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ExecutionResultTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aSuccessAsOneJsonObject() {
        ExecutionResult r = new ExecutionResult("x\n", false, "", false, "[1]", null, Duration.ofMillis(3), 2);
        JsonNode json = JSON.readTree(r.toJson(GuestStrings.HOST_CALL_WORDING));
        assertThat(json.get("success").asBoolean()).isTrue();
        assertThat(json.get("stdout").asString()).isEqualTo("x\n");
        assertThat(json.get("result").get(0).asInt()).isEqualTo(1);
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.get("toolCalls").asInt()).isEqualTo(2);
        assertThat(json.get("durationMs").asDouble()).isEqualTo(3.0);
    }

    @Test
    void theCallCountAndTheHostFunctionErrorAreNamedByTheWording() {
        ExecutionResult r = new ExecutionResult("", false, "", false, null,
                ExecutionError.of(ErrorType.HOST_FUNCTION_ERROR, "ToolError: down"), Duration.ZERO, 1);
        JsonNode generic = JSON.readTree(r.toJson());
        assertThat(generic.get("hostCalls").asInt()).isEqualTo(1);
        assertThat(generic.get("error").get("type").asString()).isEqualTo("HOST_FUNCTION_ERROR");
        JsonNode codeAct = JSON.readTree(r.toJson(GuestStrings.HOST_CALL_WORDING));
        assertThat(codeAct.get("toolCalls").asInt()).isEqualTo(1);
        assertThat(codeAct.has("hostCalls")).isFalse();
        assertThat(codeAct.get("error").get("type").asString()).isEqualTo("TOOL_ERROR");
    }

    @Test
    void aFailureCarriesTypeMessageNameAndStack() {
        ExecutionResult r = new ExecutionResult("", false, "e".repeat(3), true, null,
                new ExecutionError(ErrorType.RUNTIME, "TypeError: x is not a function", "TypeError", "    at f (program.js:1)\n"),
                Duration.ZERO, 0);
        JsonNode json = JSON.readTree(r.toJson());
        assertThat(json.get("success").asBoolean()).isFalse();
        assertThat(json.get("stderrTruncated").asBoolean()).isTrue();
        assertThat(json.get("result").isNull()).isTrue();
        assertThat(json.get("error").get("type").asString()).isEqualTo("RUNTIME");
        assertThat(json.get("error").get("name").asString()).isEqualTo("TypeError");
        assertThat(json.get("error").get("stack").asString()).contains("program.js:1");
    }
}
