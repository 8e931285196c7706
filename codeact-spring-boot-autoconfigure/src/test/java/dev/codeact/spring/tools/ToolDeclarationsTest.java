package dev.codeact.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.ai.tool.function.FunctionToolCallback;

class ToolDeclarationsTest {

    record Customer(long id, String name, List<String> tags, Tier tier) {
    }

    enum Tier { GOLD, SILVER }

    static class CustomerTools {
        @Tool(name = "find_customer", description = "Find a customer by e-mail.")
        Customer findCustomer(@ToolParam(description = "the customer's e-mail address") String email,
                @ToolParam(description = "include archived customers", required = false) Boolean archived) {
            return null;
        }
    }

    @Test
    void rendersOneCallToolOverloadPerToolWithDocsAndReturnShape() throws Exception {
        ToolCallback[] tools = ToolCallbacks.from(new CustomerTools());
        String text = ToolDeclarations.render(List.of(tools),
                Map.of("find_customer", CustomerTools.class.getDeclaredMethod("findCustomer", String.class, Boolean.class).getGenericReturnType()));
        assertThat(text).isEqualTo("""
                /** Find a customer by e-mail. */
                declare function call_tool(name: "find_customer", args: {
                  /** the customer's e-mail address */
                  email: string;
                  /** include archived customers */
                  archived?: boolean;
                }): { id: number; name: string; tags: string[]; tier: "GOLD" | "SILVER" };
                """);
    }

    @Test
    void aJsonSchemaReturnIsRenderedAsAJavaReturnTypeIs() throws Exception {
        ToolCallback tool = ToolCallbacks.from(new CustomerTools())[0];
        // an MCP outputSchema as @modelcontextprotocol/server-memory declares it (zod's draft-07 output)
        String outputSchema = """
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{
                  "entities":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},
                    "observations":{"type":"array","items":{"type":"string"}}},"required":["name","observations"],
                    "additionalProperties":false}}},
                 "required":["entities"],"additionalProperties":false}""";
        assertThat(ToolDeclarations.declaration(tool, outputSchema))
                .endsWith("}): { entities: { name: string; observations: string[] }[] };\n");

        Map<String, java.lang.reflect.Type> javaReturn = Map.of("find_customer",
                CustomerTools.class.getDeclaredMethod("findCustomer", String.class, Boolean.class).getGenericReturnType());
        assertThat(ToolDeclarations.declaration(tool, ToolDeclarations.returnSchema(javaReturn.get("find_customer"))))
                .isEqualTo(ToolDeclarations.render(List.of(tool), javaReturn));
        assertThat(ToolDeclarations.declaration(tool, null)).endsWith("}): any;\n");
        assertThat(ToolDeclarations.declaration(tool, "{not json")).endsWith("}): any;\n");
        assertThat(ToolDeclarations.declaration(tool, ToolDeclarations.returnSchema(void.class))).endsWith("}): string;\n");
    }

    @Test
    void unknownReturnTypesAreAnyAndEmptyArgumentsAnEmptyObject() {
        ToolCallback tool = FunctionToolCallback.builder("now", () -> "2026-11-23").description("Today's date.")
                .inputType(Void.class).build();
        assertThat(ToolDeclarations.render(List.of(tool), Map.of()))
                .isEqualTo("/** Today's date. */\ndeclare function call_tool(name: \"now\", args: {}): any;\n");
    }

    @Test
    void schemasWithRefsUnionsArraysAndMapsBecomeTypeScript() {
        String schema = """
                {"type":"object","properties":{
                  "point":{"$ref":"#/$defs/Point"},
                  "ids":{"type":"array","items":{"type":["integer","null"]}},
                  "labels":{"type":"object","additionalProperties":{"type":"string"}},
                  "mode":{"anyOf":[{"const":"fast"},{"type":"number"}]},
                  "weird-name":{"type":"boolean"}},
                 "required":["point"],
                 "$defs":{"Point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]}}}""";
        assertThat(ToolDeclarations.argumentsType(schema)).isEqualTo(
                "{ point: { x: number; y: number }; ids?: (number | null)[]; labels?: Record<string, string>; "
                        + "mode?: \"fast\" | number; \"weird-name\"?: boolean }");
    }

    @Test
    void brokenSchemasDoNotBreakTheInstructions() {
        assertThat(ToolDeclarations.argumentsType("{not json")).isEqualTo("any");
        assertThat(ToolDeclarations.argumentsType("{\"$ref\":\"#/$defs/Self\",\"$defs\":{\"Self\":{\"$ref\":\"#/$defs/Self\"}}}"))
                .isEqualTo("any");
    }

    @Test
    void pythonStubsAreTypedDictsAndACallToolSignatureFromTheSameSchemas() throws Exception {
        ToolCallback tool = ToolCallbacks.from(new CustomerTools())[0];
        String returns = ToolDeclarations.returnSchema(
                CustomerTools.class.getDeclaredMethod("findCustomer", String.class, Boolean.class).getGenericReturnType());
        assertThat(PythonToolDeclarations.declaration(tool, returns)).isEqualTo("""
                class FindCustomerArgs(TypedDict):
                    email: str  # the customer's e-mail address
                    archived: NotRequired[bool]  # include archived customers
                class FindCustomerResult(TypedDict): id: int; name: str; tags: list[str]; tier: Literal["GOLD", "SILVER"]
                def call_tool(name: Literal["find_customer"], args: FindCustomerArgs) -> FindCustomerResult:
                    \"""Find a customer by e-mail.\"""
                """);
        assertThat(PythonToolDeclarations.declaration(tool, null)).endsWith("args: FindCustomerArgs) -> Any:\n"
                + "    \"\"\"Find a customer by e-mail.\"\"\"\n");
        assertThat(PythonToolDeclarations.declaration(tool, ToolDeclarations.returnSchema(void.class)))
                .contains(") -> str:\n");
    }

    @Test
    void pythonStubsNameNestedObjectsAndKeepNamesThatAreNoIdentifiers() {
        ToolCallback tool = FunctionToolCallback.builder("graph.search-v2", (String q) -> "").description("Search the graph.")
                .inputType(String.class).build();
        String outputSchema = """
                {"type":"object","properties":{
                  "entities":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},
                    "score":{"type":"number"}},"required":["name"]}},
                  "at":{"$ref":"#/$defs/Point"},"to":{"$ref":"#/$defs/Point"},
                  "meta":{"type":"object","properties":{"from":{"type":"string"}}},
                  "labels":{"type":"object","additionalProperties":{"type":"integer"}},
                  "mode":{"anyOf":[{"const":"fast"},{"type":"null"}]}},
                 "required":["entities"],
                 "$defs":{"Point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]}}}""";
        String stub = PythonToolDeclarations.declaration(tool, outputSchema);
        assertThat(stub).contains("class GraphSearchV2ResultEntitiesItem(TypedDict): name: str; score: NotRequired[float]\n",
                "class Point(TypedDict): x: float; y: float\n",
                "GraphSearchV2ResultMeta = TypedDict(\"GraphSearchV2ResultMeta\", {\"from\": NotRequired[str]})\n",
                "class GraphSearchV2Result(TypedDict): entities: list[GraphSearchV2ResultEntitiesItem]; at: NotRequired[Point]; "
                        + "to: NotRequired[Point]; meta: NotRequired[GraphSearchV2ResultMeta]; "
                        + "labels: NotRequired[dict[str, int]]; mode: NotRequired[Literal[\"fast\"] | None]\n",
                "def call_tool(name: Literal[\"graph.search-v2\"]) -> GraphSearchV2Result:\n");
        assertThat(stub.split("class Point\\(", -1)).as("one class for a $defs entry used twice").hasSize(2);
    }

    @Test
    void pythonStubsOfToolsWithoutArgumentsTakeNoneAndDocstringsStayClosed() {
        ToolCallback tool = FunctionToolCallback.builder("now", () -> "2026-11-23").description("Today's \"date\"")
                .inputType(Void.class).build();
        assertThat(PythonToolDeclarations.declaration(tool, "{\"type\":\"string\"}"))
                .isEqualTo("def call_tool(name: Literal[\"now\"]) -> str:\n    \"\"\"Today's \"date\\\"\"\"\"\n");
    }

    @Test
    void pythonArgumentsNamedLikeKeywordsKeepTheirDocsInTheFunctionalForm() {
        ToolCallback tool = FunctionToolCallback.builder("exchange_rate", (Map<String, String> m) -> "1.0")
                .description("Exchange rate.").inputType(Map.class)
                .inputSchema("""
                        {"type":"object","properties":{"from":{"type":"string","description":"ISO code, e.g. EUR"},
                         "to":{"type":"string"}},"required":["from","to"]}""").build();
        assertThat(PythonToolDeclarations.declaration(tool, "{\"type\":\"number\"}")).isEqualTo("""
                ExchangeRateArgs = TypedDict("ExchangeRateArgs", {
                    "from": str,  # ISO code, e.g. EUR
                    "to": str,
                })
                def call_tool(name: Literal["exchange_rate"], args: ExchangeRateArgs) -> float:
                    \"""Exchange rate.\"""
                """);
    }
}
