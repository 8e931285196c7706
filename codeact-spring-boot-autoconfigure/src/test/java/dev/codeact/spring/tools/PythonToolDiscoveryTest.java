package dev.codeact.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.policy.PythonPrograms;
import dev.codeact.spring.policy.approval.ApprovalGate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;

/**
 * search_tools and describe_tool from Python programs in the Python guest (python/lib/_codeact_tools.py), over the
 * host functions ToolBridge registers for a large catalog: the Python twin of ToolDiscoveryTest.FromPrograms.
 */
@RequiresKvm
class PythonToolDiscoveryTest {
    private static final List<ToolCallback> CATALOG = LargeCatalogs.tools(300);
    private final List<String> called = new CopyOnWriteArrayList<>();

    private ExecutionResult run(String code, ExecutionLimits limits) {
        ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(CATALOG), List.of("*"), List.of(), List.of(),
                ApprovalGate.NONE, new ToolDiscovery(ToolDiscovery.Mode.AUTO, ToolDiscovery.DEFAULT_THRESHOLD_BYTES));
        ToolBridge.Observer observer = (name, function) -> arguments -> {
            called.add(name);
            return function.call(arguments);
        };
        return PythonPrograms.execute(code, ToolBridge.hostFunctions(catalog.select(List.of()), new ToolContext(Map.of()),
                observer).build(), limits);
    }

    @Test
    void aProgramFindsAToolAndCallsItInOneRun() {
        ExecutionResult r = run("""
                best, *_ = search_tools('convert money between currencies')
                declaration = await describe_tool(best['name'])
                [best['name'], 'from: string' in declaration, call_tool(best['name'], {'from': 'EUR', 'to': 'USD', 'amount': 21})]
                """, ExecutionLimits.defaults());
        assertThat(r.error()).as("%s", r.error()).isNull();
        // the tool answers 42.0 (a double), which Python keeps a float
        assertThat(r.resultJson()).isEqualTo("[\"fx_convert\",true,42.0]");
        assertThat(called).containsExactly("search_tools", "describe_tool", "fx_convert");
    }

    @Test
    void anUnknownToolToDescribeIsACatchableToolError() {
        ExecutionResult r = run("""
                try:
                    describe_tool('no_such_tool')
                except ToolError as e:
                    result = [type(e).__name__, str(e), e.tool]
                result
                """, ExecutionLimits.defaults());
        assertThat(r.resultJson()).isEqualTo("[\"ToolError\",\"unknown tool 'no_such_tool'; search_tools(query) finds"
                + " tools by what they do\",\"describe_tool\"]");
        ExecutionResult uncaught = run("describe_tool('no_such_tool')", ExecutionLimits.defaults());
        assertThat(uncaught.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
    }

    @Test
    void searchesCountTowardsTheToolCallLimit() {
        ExecutionLimits two = new ExecutionLimits(ExecutionLimits.DEFAULT_TIMEOUT, ExecutionLimits.DEFAULT_TIMEOUT,
                ExecutionLimits.DEFAULT_MEMORY_BYTES, ExecutionLimits.DEFAULT_STACK_BYTES,
                ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM, ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES,
                ExecutionLimits.DEFAULT_MAX_HOST_CALL_RESULT_BYTES, 2);
        ExecutionResult r = run("search_tools('a'); describe_tool('fx_convert'); search_tools('b')", two);
        assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        assertThat(r.error().message()).contains("the limit is 2 per execution");
    }

    @Test
    void badArgumentsAreTypeErrorsOrToolErrors() {
        assertThat(run("""
                try:
                    search_tools(42)
                except TypeError as e:
                    result = str(e)
                result
                """, ExecutionLimits.defaults()).resultJson())
                .isEqualTo("\"search_tools(query, limit=5): query must be a string\"");
        assertThat(run("""
                try:
                    search_tools('x', 500)
                except ToolError as e:
                    result = str(e)
                result
                """, ExecutionLimits.defaults()).resultJson())
                .isEqualTo("\"search_tools: limit must be between 1 and 20, was 500\"");
    }
}
