package dev.codeact.spring.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.actuator.ExecutionStats;
import dev.codeact.spring.advisor.CodeActInstructions;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.LargeCatalogs;
import dev.codeact.spring.tools.ToolBridge;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolDiscovery;
import dev.codeact.spring.tools.ToolInventory;
import dev.codeact.spring.tools.ToolSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each call may name its language; the configured one is the default. The language reaches the sandbox, the
 * execution's record, its listeners and its observation, and the declarations search_tools and describe_tool answer.
 */
class LanguagePerCallTest {
    private static final List<ToolCallback> CATALOG = LargeCatalogs.tools(40);

    /** Runs every language; answers with the language it was asked for and what describe_tool said. */
    static class BothLanguages implements CodeSandbox {
        final List<Language> ran = new CopyOnWriteArrayList<>();

        @Override
        public String backend() {
            return "both";
        }

        @Override
        public Set<Language> languages() {
            return Set.of(Language.values());
        }

        @Override
        public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
            ran.add(language);
            try {
                String declaration = functions.get(ToolBridge.DESCRIBE_SERVICE).call("{\"name\":\"fx_convert\"}");
                return new ExecutionResult("", false, "", false, declaration, null, Duration.ofMillis(1), 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
        }
    }

    private static ToolCatalog catalog() {
        return new ToolCatalog(() -> ToolInventory.of(CATALOG), List.of("*"), List.of(), List.of(), ApprovalGate.NONE,
                ToolDiscovery.declareAll());
    }

    @Test
    void theConfiguredLanguageIsTheDefaultAndACallMayNameTheOther() {
        BothLanguages sandbox = new BothLanguages();
        List<ExecutionListener.Execution> heard = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        ExecutionStats stats = new ExecutionStats(5, false);
        CodeActExecutor executor = new CodeActExecutor(sandbox, catalog(), ExecutionLimits.defaults(),
                ExecutionListener.of(List.of(heard::add, stats)), observations, SandboxServices.defaults(), Language.PYTHON);

        CodeExecution python = executor.run("1 + 1");
        CodeExecution javascript = executor.run(Language.JAVASCRIPT, "return 1 + 1");

        assertThat(executor.language()).isEqualTo(Language.PYTHON);
        assertThat(sandbox.ran).containsExactly(Language.PYTHON, Language.JAVASCRIPT);
        assertThat(python.language()).isEqualTo(Language.PYTHON);
        assertThat(javascript.language()).isEqualTo(Language.JAVASCRIPT);
        assertThat(heard).extracting(ExecutionListener.Execution::language)
                .containsExactly(Language.PYTHON, Language.JAVASCRIPT);
        assertThat(stats.recent()).extracting(ExecutionStats.RecentExecution::language).containsExactly("javascript", "python");
        assertThat(meters.get("codeact.execution").tag("language", "python").timer().count()).isEqualTo(1);
        assertThat(meters.get("codeact.execution").tag("language", "javascript").timer().count()).isEqualTo(1);

        // describe_tool answers in the language of the program that asks
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(python.result().resultJson()).asString())
                .contains("def call_tool(name: Literal[\"fx_convert\"]").doesNotContain("declare function");
        assertThat(json.readTree(javascript.result().resultJson()).asString())
                .startsWith("/**").contains("declare function call_tool(name: \"fx_convert\"");
    }

    @Test
    void aLanguageTheSandboxDoesNotRunIsRefusedBeforeAnythingRuns() {
        CodeSandbox javascriptOnly = new BothLanguages() {
            @Override
            public Set<Language> languages() {
                return Set.of(Language.JAVASCRIPT);
            }
        };
        List<ExecutionListener.Execution> heard = new CopyOnWriteArrayList<>();
        CodeActExecutor executor = new CodeActExecutor(javascriptOnly, catalog(), ExecutionLimits.defaults(), heard::add);

        assertThatThrownBy(() -> executor.run(Language.PYTHON, "1", Map.of()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("does not run python");
        assertThat(heard).isEmpty();
    }

    /** A large catalog in Python terms: the index, and search_tools/describe_tool declared as Python functions. */
    @Test
    void pythonInstructionsForALargeCatalogDeclareTheSearchFunctionsInPython() {
        ToolSet tools = new ToolCatalog(() -> ToolInventory.of(LargeCatalogs.tools(300)), List.of("*"), List.of(),
                List.of(), ApprovalGate.NONE, new ToolDiscovery(ToolDiscovery.Mode.SEARCH, 0)).select(List.of());
        String text = new CodeActInstructions("", SandboxServices.defaults(), ExecutionLimits.defaults(), Language.PYTHON)
                .render(tools);

        assertThat(text).contains("```python\n", "def search_tools(query: str, limit: int = 5) -> list[ToolMatch]: ...\n",
                        "def describe_tool(name: str) -> str: ...\n", "crm_*:\n", "- fx_convert\n",
                        "more tools are listed after the declarations")
                .doesNotContain("declare function", "def call_tool(");
        assertThat(tools.search(Language.PYTHON).describe("fx_convert")).contains("def call_tool(name: Literal[\\\"fx_convert\\\"]");
    }
}
