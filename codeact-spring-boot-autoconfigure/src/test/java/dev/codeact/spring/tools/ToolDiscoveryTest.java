package dev.codeact.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.advisor.CodeActInstructions;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.TestSandboxes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;

/** Catalogs of hundreds of tools: an index in the instructions, declarations found by programs on demand. */
class ToolDiscoveryTest {
    private static final List<ToolCallback> CATALOG = LargeCatalogs.tools(300);

    private static ToolSet select(ToolDiscovery discovery, List<ToolCallback> tools) {
        return new ToolCatalog(() -> ToolInventory.of(tools), List.of("*"), List.of(), List.of(), ApprovalGate.NONE,
                discovery).select(List.of());
    }

    @Test
    void autoDeclaresASmallCatalogAndIndexesALargeOne() {
        ToolDiscovery auto = new ToolDiscovery(ToolDiscovery.Mode.AUTO, ToolDiscovery.DEFAULT_THRESHOLD_BYTES);
        assertThat(select(auto, LargeCatalogs.tools(5)).declaresAll()).isTrue();
        assertThat(select(auto, CATALOG).declaresAll()).isFalse();
        assertThat(select(ToolDiscovery.declareAll(), CATALOG).declaresAll()).isTrue();
        assertThat(select(new ToolDiscovery(ToolDiscovery.Mode.SEARCH, 0), LargeCatalogs.tools(5)).declaresAll()).isFalse();
    }

    @Test
    void pastTheThresholdTheFirstToolsAreDeclaredWithinAQuarterOfItAndTheRestIndexed() {
        ToolSet tools = select(new ToolDiscovery(ToolDiscovery.Mode.AUTO, ToolDiscovery.DEFAULT_THRESHOLD_BYTES), CATALOG);
        List<ToolCallback> declared = tools.declared();
        assertThat(declared).isNotEmpty().containsExactlyElementsOf(CATALOG.subList(0, declared.size()));
        assertThat(tools.declaredDeclarations().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo((int) ToolDiscovery.DEFAULT_THRESHOLD_BYTES / 4);
        String text = new CodeActInstructions("").render(tools, ExecutionLimits.defaults());
        String first = declared.get(0).getToolDefinition().name();
        String last = CATALOG.get(CATALOG.size() - 1).getToolDefinition().name();
        assertThat(text).contains("declare function call_tool(name: \"" + first + "\"")
                .doesNotContain("- " + first + "\n").contains("- " + last + "\n")
                .contains((CATALOG.size() - declared.size()) + " more tools are listed after the declarations");
    }

    @Test
    void theInstructionsCarryACompactIndexOfEveryTool() {
        ToolSet tools = select(new ToolDiscovery(ToolDiscovery.Mode.SEARCH, 0), CATALOG);
        String text = new CodeActInstructions("").render(tools, ExecutionLimits.defaults());
        for (ToolCallback tool : CATALOG) {
            assertThat(text).contains("- " + tool.getToolDefinition().name());
        }
        assertThat(text).contains("crm_*:\n", "billing_*:\n", "- fx_convert\n")
                .contains("declare function search_tools(query: string, limit?: number)")
                .doesNotContain("declare function call_tool(name:");
        int full = tools.declarations().getBytes(StandardCharsets.UTF_8).length;
        int indexed = text.getBytes(StandardCharsets.UTF_8).length;
        assertThat(indexed).as("instructions with an index vs %d bytes of declarations", full)
                .isLessThan(ToolDiscovery.INDEX_BUDGET_BYTES + 2048).isLessThan(full / 4);
    }

    @Test
    void theIndexShortensFirstSentencesToItsBudgetAndDropsThemBelowForty() {
        ToolSearch search = select(ToolDiscovery.declareAll(), LargeCatalogs.tools(40)).search();
        assertThat(search.index(1 << 20)).contains("- crm_get_record: Gets a record of the crm service.\n")
                .contains("- fx_convert: Converts an amount of money between currencies at today's rate.\n");
        ToolSearch three = select(ToolDiscovery.declareAll(), LargeCatalogs.tools(0)).search();
        assertThat(three.index(140)).isEqualTo("- fx_convert: Converts an amount of money between cur…\n"
                + "- invoice_pdf: Renders a document.\n- treasury_wire: Sends money to a bank account.\n");
        assertThat(three.index(100)).isEqualTo("- fx_convert\n- invoice_pdf\n- treasury_wire\n");
    }

    @Test
    void searchRanksByNameDescriptionAndParameterNames() throws Exception {
        ToolSearch search = select(ToolDiscovery.declareAll(), CATALOG).search();
        assertThat(search.search("invoice", 3)).startsWith("[{\"name\":\"invoice_pdf\"");
        assertThat(search.search("convert currency", 3)).startsWith("[{\"name\":\"fx_convert\"");
        assertThat(search.search("iban", 3)).startsWith("[{\"name\":\"treasury_wire\"");
        assertThat(search.search("shipping export attachment", 1)).isEqualTo("[{\"name\":\"shipping_export_attachment\","
                + "\"description\":\"Exports a attachment of the shipping service. Use the id of the attachment and an optional"
                + " filter; at most `limit` results are returned.\",\"declaration\":" + tools.jackson.databind.json.JsonMapper
                .builder().build().writeValueAsString(select(ToolDiscovery.declareAll(), CATALOG).declaration(
                        "shipping_export_attachment")) + "}]");
        assertThat(search.search("zebra", 5)).isEqualTo("[]");
    }

    abstract static class FromPrograms {
        private final List<String> called = new CopyOnWriteArrayList<>();

        abstract CodeSandbox sandbox();

        private ExecutionResult run(String code, ExecutionLimits limits) {
            ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(CATALOG), List.of("*"), List.of(), List.of(),
                    ApprovalGate.NONE, new ToolDiscovery(ToolDiscovery.Mode.AUTO, ToolDiscovery.DEFAULT_THRESHOLD_BYTES));
            ExecutionListener listener = execution -> called.addAll(execution.toolsCalled());
            return new CodeActExecutor(sandbox(), catalog, limits, listener)
                    .execute(code, catalog.select(List.of()), new ToolContext(Map.of()));
        }

        @Test
        void aProgramFindsAToolAndCallsItInOneRun() {
            ExecutionResult r = run("""
                    const [best] = search_tools('convert money between currencies');
                    const declaration = describe_tool(best.name);
                    return [best.name, declaration.includes('from: string'), call_tool(best.name, {from: 'EUR', to: 'USD', amount: 21})];""",
                    ExecutionLimits.defaults());
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[\"fx_convert\",true,42]");
            assertThat(called).containsExactly("search_tools", "describe_tool", "fx_convert");
        }

        @Test
        void anUnknownToolToDescribeIsACatchableToolError() {
            ExecutionResult r = run("try { describe_tool('no_such_tool'); } catch (e) { return [e.name, e.message]; }",
                    ExecutionLimits.defaults());
            assertThat(r.resultJson()).isEqualTo("[\"ToolError\",\"unknown tool 'no_such_tool'; search_tools(query) finds"
                    + " tools by what they do\"]");
            assertThat(run("describe_tool('no_such_tool');", ExecutionLimits.defaults()).error().type())
                    .isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        }

        @Test
        void searchesCountTowardsTheToolCallLimit() {
            ExecutionLimits two = new ExecutionLimits(ExecutionLimits.DEFAULT_TIMEOUT, ExecutionLimits.DEFAULT_TIMEOUT,
                    ExecutionLimits.DEFAULT_MEMORY_BYTES, ExecutionLimits.DEFAULT_STACK_BYTES,
                    ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM, ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES,
                    ExecutionLimits.DEFAULT_MAX_HOST_CALL_RESULT_BYTES, 2);
            ExecutionResult r = run("search_tools('a'); describe_tool('fx_convert'); search_tools('b');", two);
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().message()).contains("too many tool calls: the limit is 2 per execution");
        }

        @Test
        void badArgumentsAreTypeErrorsOrToolErrors() {
            assertThat(run("try { search_tools(42); } catch (e) { return e.name; }", ExecutionLimits.defaults()).resultJson())
                    .isEqualTo("\"TypeError\"");
            assertThat(run("try { search_tools('x', 500); } catch (e) { return e.message; }", ExecutionLimits.defaults())
                    .resultJson()).isEqualTo("\"search_tools: limit must be between 1 and 20, was 500\"");
        }
    }

    @Nested
    class OnGraalJs extends FromPrograms {
        @Override
        CodeSandbox sandbox() {
            return TestSandboxes.graalJs();
        }
    }

    @Nested
    @RequiresKvm
    class OnKvm extends FromPrograms {
        @Override
        CodeSandbox sandbox() {
            return TestSandboxes.kvm();
        }
    }
}
