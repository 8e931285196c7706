package dev.codeact.spring.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What CodeAct adds to every request before any tool is declared: the instructions of an application with the
 * default configuration, and the execute_code tool's own definition. Measured in UTF-8 bytes and in tokens of
 * OpenAI's o200k_base encoding; it fails when the fixed part grows past its budget. Before the instructions were
 * made lean: 2,329 bytes (1,863 bytes and 434 tokens of instructions, 466 bytes of tool definition).
 */
class InstructionsBudgetTest {
    private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final int BUDGET_BYTES = 960;
    private static final int BUDGET_TOKENS = 240;
    /** What the sentence on a conversation's session may add, over the budget, to a request in a session. */
    private static final int SESSION_BYTES = 100;
    private static final int SESSION_TOKENS = 24;

    @Test
    void theFixedPartStaysWithinItsBudget() {
        String instructions = new CodeActInstructions("").render(
                new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of()).select(List.of()),
                SandboxServices.defaults(), ExecutionLimits.defaults());
        String tool = ExecuteCodeTool.description("graaljs") + ExecuteCodeTool.INPUT_SCHEMA;
        int bytes = (instructions + tool).getBytes(StandardCharsets.UTF_8).length;
        int tokens = O200K.countTokens(instructions) + O200K.countTokens(tool);
        System.out.printf("fixed part: %d bytes, %d tokens (instructions %d bytes, %d tokens)%n", bytes, tokens,
                instructions.getBytes(StandardCharsets.UTF_8).length, O200K.countTokens(instructions));
        assertThat(bytes).as("bytes of the fixed part:%n%s%n%s", instructions, tool).isLessThanOrEqualTo(BUDGET_BYTES);
        assertThat(tokens).as("tokens of the fixed part").isLessThanOrEqualTo(BUDGET_TOKENS);
    }

    @Test
    void itSaysWhatIsNotConfiguredInOneLine() {
        String instructions = new CodeActInstructions("").render(
                new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of()).select(List.of()),
                SandboxServices.defaults(), ExecutionLimits.defaults());
        assertThat(instructions).contains("- No network. Files: only /output").doesNotContain("fetch(")
                .doesNotContain("declare const fs");
    }

    /** Python programs get their own contract, held to the same budget. */
    @Test
    void thePythonFixedPartStaysWithinTheSameBudget() {
        String instructions = new CodeActInstructions("", SandboxServices.defaults(), ExecutionLimits.defaults(),
                Language.PYTHON).render(
                new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of()).select(List.of()));
        String tool = ExecuteCodeTool.description("graaljs", Language.PYTHON) + ExecuteCodeTool.inputSchema(Language.PYTHON);
        int bytes = (instructions + tool).getBytes(StandardCharsets.UTF_8).length;
        int tokens = O200K.countTokens(instructions) + O200K.countTokens(tool);
        System.out.printf("python fixed part: %d bytes, %d tokens%n", bytes, tokens);
        assertThat(bytes).as("bytes of the fixed part:%n%s%n%s", instructions, tool).isLessThanOrEqualTo(BUDGET_BYTES);
        assertThat(tokens).as("tokens of the fixed part").isLessThanOrEqualTo(BUDGET_TOKENS);
        assertThat(instructions).contains("Python", "call_tool(name, **kwargs)", "ToolError", "- No network. Files: only /output",
                "with open(path, \"w\")").doesNotContain("JavaScript").doesNotContain("console.log").doesNotContain("fs.");
        assertThat(tool).contains("Python").doesNotContain("JavaScript");
    }

    /**
     * In a conversation's session the contract says what carries over instead of "starts fresh", in one sentence that may
     * add at most {@link #SESSION_TOKENS} to the budget.
     */
    @Test
    void theSessionsWordsStayWithinTheBudget() {
        for (Language language : List.of(Language.JAVASCRIPT, Language.PYTHON)) {
            CodeActInstructions instructions = new CodeActInstructions("", SandboxServices.defaults(),
                    ExecutionLimits.defaults(), language);
            ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of());
            String fresh = instructions.render(catalog.select(List.of()));
            String inSession = instructions.render(catalog.select(List.of()), true);
            String tool = ExecuteCodeTool.description("kvm", language) + ExecuteCodeTool.inputSchema(language);
            int bytes = (inSession + tool).getBytes(StandardCharsets.UTF_8).length;
            int tokens = O200K.countTokens(inSession) + O200K.countTokens(tool);
            System.out.printf("%s fixed part in a session: %d bytes, %d tokens (%+d tokens)%n", language, bytes, tokens,
                    O200K.countTokens(inSession) - O200K.countTokens(fresh));
            assertThat(bytes).as("bytes of the fixed part:%n%s", inSession)
                    .isLessThanOrEqualTo(BUDGET_BYTES + SESSION_BYTES);
            assertThat(tokens).as("tokens of the fixed part").isLessThanOrEqualTo(BUDGET_TOKENS + SESSION_TOKENS);
            assertThat(fresh).contains("fresh");
            assertThat(inSession).doesNotContain("fresh").contains(language == Language.PYTHON
                    ? "top-level names and imports carry over to your next program of this conversation."
                    : "values you keep on globalThis (globalThis.x = ...) are there in your next program of this"
                            + " conversation; const/let are not.");
        }
    }
}
