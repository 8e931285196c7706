package dev.codeact.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.function.FunctionToolCallback;

class ToolCatalogTest {

    static class Tools {
        @Tool(description = "Add two numbers.")
        int add(int a, int b) {
            return a + b;
        }

        @Tool(description = "Delete everything.")
        String delete_all() {
            return "gone";
        }

        @Tool(description = "Fails.")
        String explode(String why) {
            throw new IllegalStateException("boom: " + why);
        }

        @Tool(description = "Who is calling.")
        String whoami(org.springframework.ai.chat.model.ToolContext context) {
            return String.valueOf(context.getContext().get("user"));
        }
    }

    private static ToolCatalog catalog(List<String> include, List<String> exclude, List<String> direct) {
        return new ToolCatalog(() -> ToolInventory.of(List.of(ToolCallbacks.from(new Tools()))), include, exclude, direct);
    }

    private static List<String> names(java.util.Collection<ToolCallback> tools) {
        return tools.stream().map(t -> t.getToolDefinition().name()).sorted().toList();
    }

    @Test
    void includeExcludeAndDirectPatterns() {
        ToolSet set = catalog(List.of("*"), List.of("delete_*"), List.of("add")).select(List.of());
        assertThat(names(set.sandboxed())).containsExactly("add", "explode", "whoami");
        assertThat(names(set.direct())).containsExactly("add");
        assertThat(names(catalog(List.of("a?d", "who*"), List.of(), List.of()).select(List.of()).sandboxed()))
                .containsExactly("add", "whoami");
    }

    @Test
    void anInventorysReturnSchemaWinsOverItsReturnTypeAndIsDeclared() {
        ToolInventory inventory = new ToolInventory(List.of(ToolCallbacks.from(new Tools())),
                Map.of("add", int.class, "delete_all", String.class),
                Map.of("add", "{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"integer\"}}}"));
        ToolSet set = new ToolCatalog(() -> inventory, List.of("*"), List.of(), List.of()).select(List.of());

        assertThat(set.returnSchema("add")).isEqualTo(inventory.returnSchemas().get("add"));
        assertThat(set.returnSchema("explode")).isNull();
        assertThat(set.returnSchema("nope")).isNull();
        assertThat(set.declarations()).contains("declare function call_tool(name: \"add\"", "}): { sum?: number };\n",
                "}): string;\n", "}): any;\n");
    }

    @Test
    void requestToolsJoinAndWinOverApplicationToolsOfTheSameName() throws Exception {
        ToolCallback requestAdd = FunctionToolCallback.builder("add", (Map<String, Object> in) -> "request").inputType(Map.class)
                .description("request add").build();
        ToolCallback extra = FunctionToolCallback.builder("extra", (Map<String, Object> in) -> "x").inputType(Map.class)
                .description("extra").build();
        ToolSet set = catalog(List.of("*"), List.of(), List.of()).select(List.of(requestAdd, extra));
        assertThat(names(set.sandboxed())).containsExactly("add", "delete_all", "explode", "extra", "whoami");
        assertThat(set.hostFunctions(new ToolContext(Map.of())).get("add").call("{}")).isEqualTo("\"request\"");
    }

    @Test
    void hostFunctionsCarryTheToolContextAndExplainFailures() throws Exception {
        HostFunctions functions = catalog(List.of("*"), List.of(), List.of()).select(List.of())
                .hostFunctions(new ToolContext(Map.of("user", "ada")));
        assertThat(functions.get("add").call("{\"a\":2,\"b\":3}")).isEqualTo("5");
        assertThat(functions.get("whoami").call("{}")).isEqualTo("\"ada\"");
        Assertions.assertThatThrownBy(() -> functions.get("explode").call("{\"why\":\"test\"}"))
                .isInstanceOf(HostFunctionException.class).hasMessage("tool 'explode' failed: boom: test");
        Assertions.assertThatThrownBy(() -> functions.get("add").call("{\"a\":\"not a number\"}"))
                .isInstanceOf(HostFunctionException.class)
                .hasMessage("wrong arguments for tool 'add': missing required argument 'b'; argument 'a' must be an integer, "
                        + "got a string; expected { a: number; b: number }");
        Assertions.assertThatThrownBy(() -> functions.get("add").call("[1, 2]"))
                .hasMessageStartingWith("wrong arguments for tool 'add': arguments must be an object");
        Assertions.assertThatThrownBy(() -> functions.get("explode").call("{\"why\":\"illegal\"}"))
                .hasMessage("tool 'explode' failed: boom: illegal");
    }

    @Test
    void plainTextResultsAreHandedOverAsJsonStrings() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        ToolCallback text = new ToolCallback() {
            @Override
            public org.springframework.ai.tool.definition.ToolDefinition getToolDefinition() {
                return org.springframework.ai.tool.definition.ToolDefinition.builder().name("text").description("t")
                        .inputSchema("{\"type\":\"object\"}").build();
            }

            @Override
            public String call(String input) {
                seen.set(input);
                return "plain text, not JSON";
            }
        };
        HostFunctions functions = catalog(List.of("*"), List.of(), List.of()).select(List.of(text)).hostFunctions(new ToolContext(Map.of()));
        assertThat(functions.get("text").call("{\"q\":1}")).isEqualTo("\"plain text, not JSON\"");
        assertThat(seen.get()).isEqualTo("{\"q\":1}");
    }

    @Test
    void executeCodeItselfIsNeverATool() {
        ToolCallback sneaky = FunctionToolCallback.builder(ExecuteCodeNames.TOOL_NAME, (Map<String, Object> in) -> "x")
                .inputType(Map.class).description("x").build();
        assertThat(names(catalog(List.of("*"), List.of(), List.of("*")).select(List.of(sneaky)).sandboxed()))
                .doesNotContain(ExecuteCodeNames.TOOL_NAME);
    }
}
