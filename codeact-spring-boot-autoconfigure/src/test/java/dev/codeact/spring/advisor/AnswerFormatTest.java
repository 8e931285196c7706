package dev.codeact.spring.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AnswerFormatTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ExecutionResult ok(String stdout, String resultJson) {
        return new ExecutionResult(stdout, false, "", false, resultJson, null, Duration.ZERO, 0);
    }

    @Test
    void smallAnswersAreCompleteAndCompact() {
        assertThat(new AnswerFormat(1024).format(ok("", "[1,2]"))).isEqualTo("{\"success\":true,\"result\":[1,2]}");
    }

    @Test
    void failuresCarryTypeMessageAndStack() {
        ExecutionResult failed = new ExecutionResult("", false, "oops\n", false, null,
                new ExecutionError(ErrorType.HOST_FUNCTION_ERROR, "ToolError: no such customer", "ToolError", "    at <anonymous> (program.js:1)\n"),
                Duration.ZERO, 1);
        JsonNode answer = JSON.readTree(new AnswerFormat(1024).format(failed));
        assertThat(answer.get("success").asBoolean()).isFalse();
        assertThat(answer.get("stderr").asString()).isEqualTo("oops\n");
        assertThat(answer.get("error").get("type").asString()).isEqualTo("TOOL_ERROR");
        assertThat(answer.get("error").get("message").asString()).isEqualTo("ToolError: no such customer");
        assertThat(answer.get("result").isNull()).isTrue();
    }

    @Test
    void longOutputIsCutToTheCapWithANote() {
        String answer = new AnswerFormat(2048).format(ok("é".repeat(10_000), "{\"n\":1}"));
        assertThat(answer.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048);
        JsonNode node = JSON.readTree(answer);
        assertThat(node.get("truncated").asBoolean()).isTrue();
        assertThat(node.get("note").asString()).contains("return or print less").contains("write the full data to a file in /output").contains("the 2048-byte answer limit");
        assertThat(node.get("result").get("n").asInt()).isEqualTo(1);
        assertThat(node.get("stdout").asString()).startsWith("éé").doesNotContain("\uFFFD");
    }

    @Test
    void aHugeResultBecomesAPreview() {
        String answer = new AnswerFormat(1024).format(ok("", "\"" + "x".repeat(50_000) + "\""));
        assertThat(answer.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        JsonNode node = JSON.readTree(answer);
        assertThat(node.get("truncated").asBoolean()).isTrue();
        assertThat(node.get("result").asString()).startsWith("\"xxx").endsWith("…");
    }

    /** A Python program's failure comes back as a JavaScript one does: its type, the exception and the traceback. */
    @Test
    void pythonFailuresCarryTheExceptionAndTraceback() {
        String traceback = "Traceback (most recent call last):\n  File \"<program>\", line 2, in <module>\n"
                + "ZeroDivisionError: division by zero\n";
        ExecutionResult failed = new ExecutionResult("x\n", false, "", false, null,
                new ExecutionError(ErrorType.RUNTIME, "ZeroDivisionError: division by zero", "ZeroDivisionError", traceback),
                Duration.ZERO, 0);
        JsonNode answer = JSON.readTree(new AnswerFormat(1024).format(failed));
        assertThat(answer.get("success").asBoolean()).isFalse();
        assertThat(answer.get("stdout").asString()).isEqualTo("x\n");
        assertThat(answer.get("error").get("type").asString()).isEqualTo("RUNTIME");
        assertThat(answer.get("error").get("message").asString()).isEqualTo("ZeroDivisionError: division by zero");
        assertThat(answer.get("error").get("stack").asString()).isEqualTo(traceback);
    }
}
