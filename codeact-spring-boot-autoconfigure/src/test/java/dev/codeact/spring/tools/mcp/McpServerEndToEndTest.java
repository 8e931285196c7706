package dev.codeact.spring.tools.mcp;

import static dev.codeact.spring.testing.Reply.executeCode;
import static dev.codeact.spring.testing.Reply.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import dev.codeact.spring.tools.ToolBeanDiscovery;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpSyncClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.mcp.AsyncMcpToolCallbackProvider;
import org.springframework.ai.mcp.McpToolNamePrefixGenerator;
import org.springframework.ai.mcp.SyncMcpToolCallbackProvider;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring AI application whose only tools come from a real MCP server, {@code @modelcontextprotocol/server-memory},
 * started over stdio by Spring AI's MCP client starter; the real OpenAI client talks to the scripted model, the
 * CodeAct advisor turns the tools into declarations, and programs call them in the subclass's backend.
 */
@SpringBootTest(classes = McpServerEndToEndTest.App.class)
@RequiresMcpServers
@DirtiesContext // stops this class's MCP server (a node process) when the class is done
abstract class McpServerEndToEndTest {
    static final ScriptedOpenAiServer MODEL = ScriptedOpenAiServer.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The knowledge graph's directory; the server loads the graph file on every call, so deleting it empties it. */
    @TempDir
    static Path graphDir;

    /** One declaration: the tool's name and its return type. */
    private static final Pattern DECLARATION = Pattern.compile(
            "declare function call_tool\\(name: \"([^\"]+)\", args: (?:\\{\\}|\\{\\n(?:.*\\n)*?\\})\\): ([^\\n]*);\\n");

    static final String SEARCH_NODES_DECLARATION = """
            /** Search for nodes in the knowledge graph based on a query */
            declare function call_tool(name: "search_nodes", args: {
              /** The search query to match against entity names, types, and observation content */
              query: string;
            }): { entities: { name: string; entityType: string; observations: string[] }[]; \
            relations: { from: string; to: string; relationType: string }[] };
            """;

    /** Written as a model would write it from the declarations: the results used directly as data. */
    static final String PROGRAM = """
            const created = call_tool("create_entities", { entities: [
              { name: "git", entityType: "tool", observations: ["tracks versions of files"] },
              { name: "gitk", entityType: "tool", observations: ["browses git history"] },
              { name: "make", entityType: "tool", observations: ["builds programs"] } ] });
            const found = call_tool("search_nodes", { query: "git" });
            return { created: created.entities.length,
                     found: found.entities.map(e => e.name + ": " + e.observations.join(", ")) };
            """;

    static final String NOBODY = """
            call_tool("add_observations", { observations: [{ entityName: "nobody", contents: ["unknown"] }] })""";

    static final String CATCHING_PROGRAM = """
            try {
              %s;
              return { caught: false };
            } catch (e) {
              call_tool("create_entities", { entities: [{ name: "nobody", entityType: "person", observations: [] }] });
              const retried = %s;
              return { caught: true, name: e.name, message: e.message, added: retried.results[0].addedObservations };
            }
            """.formatted(NOBODY, NOBODY);

    static final String SERVER_MESSAGE = "Entity with name nobody not found";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        MODEL.registerAsOpenAi(registry, "test-key");
        registry.add("spring.main.web-application-type", () -> "none");
        registry.add("spring.ai.mcp.client.stdio.connections.memory.command", () -> "node");
        registry.add("spring.ai.mcp.client.stdio.connections.memory.args[0]", McpTestServers.MEMORY::toString);
        registry.add("spring.ai.mcp.client.stdio.connections.memory.env.MEMORY_FILE_PATH",
                () -> graphFile().toString());
    }

    @Autowired
    ChatClient.Builder chatClientBuilder;

    @Autowired
    CodeSandbox sandbox;

    @Autowired
    ToolBeanDiscovery discovery;

    @Autowired
    ObjectProvider<List<McpSyncClient>> syncClients;

    @Autowired
    ObjectProvider<List<McpAsyncClient>> asyncClients;

    ChatClient chatClient;

    /** The backend the subclass configures. */
    protected abstract String backend();

    /** The Spring AI callback class of the client type the subclass configures (sync or async). */
    protected abstract Class<? extends ToolCallback> callbackType();

    static Path graphFile() {
        return graphDir.resolve("memory.jsonl");
    }

    @BeforeEach
    void reset() throws IOException {
        MODEL.reset();
        Files.deleteIfExists(graphFile());
        chatClient = chatClientBuilder.build();
    }

    @AfterEach
    void everyScriptedReplyWasUsedAndNothingElseArrived() {
        assertThat(MODEL.unexpectedRequests()).as("requests the scripted server could not answer").isEmpty();
        assertThat(MODEL.remainingReplies()).as("scripted replies left unused").isZero();
    }

    @Test
    void theModelSeesTheMcpToolsDeclaredWithTheirOutputSchemasAsReturnTypes() {
        assertThat(sandbox.backend()).isEqualTo(backend());
        assertThat(discovery.get().tools()).hasSize(9).allSatisfy(t -> assertThat(t).isExactlyInstanceOf(callbackType()));
        MODEL.enqueue(text("The graph is empty."));

        chatClient.prompt().user("What is in the knowledge graph?").call().content();

        RecordedRequest request = MODEL.request(0);
        assertThat(request.toolNames()).containsExactly("execute_code");
        String system = request.systemText();
        assertThat(system).contains(SEARCH_NODES_DECLARATION);
        assertThat(system).contains("declare function call_tool(name: \"create_entities\", args: {",
                "}): { entities: { name: string; entityType: string; observations: string[] }[] };\n");
        Map<String, String> returns = new LinkedHashMap<>();
        Matcher m = DECLARATION.matcher(system);
        while (m.find()) {
            returns.put(m.group(1), m.group(2));
        }
        assertThat(returns).containsOnlyKeys("create_entities", "create_relations", "add_observations",
                "delete_entities", "delete_observations", "delete_relations", "read_graph", "search_nodes", "open_nodes");
        assertThat(returns).as("every memory tool has an outputSchema").doesNotContainValue("any");
        assertThat(returns.get("delete_entities")).isEqualTo("{ success: boolean; message: string }");
    }

    @Test
    void describeToolShowsAnMcpToolWithItsReturnType() {
        MODEL.enqueue(executeCode("call_desc", "return describe_tool(\"search_nodes\");"), text("It searches."));

        chatClient.prompt().user("How do I search the graph?").call().content();

        JsonNode toolResult = toolResult(MODEL.request(1), "call_desc");
        assertThat(toolResult.path("result").asString()).as(toolResult.toString()).isEqualTo(SEARCH_NODES_DECLARATION);
    }

    @Test
    void aProgramUsesMcpResultsAsDataAndOnlyItsResultReachesTheModel() throws IOException {
        MODEL.enqueue(executeCode("call_1", PROGRAM), text("git and gitk are about git."));

        String answer = chatClient.prompt().user("Remember three tools, then tell me which are about git.").call()
                .content();

        assertThat(answer).isEqualTo("git and gitk are about git.");
        assertThat(MODEL.requests()).hasSize(2);
        JsonNode toolResult = toolResult(MODEL.request(1), "call_1");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isTrue();
        assertThat(toolResult.path("result")).isEqualTo(JSON.readTree("""
                {"created": 3, "found": ["git: tracks versions of files", "gitk: browses git history"]}"""));
        assertThat(Files.readString(graphFile())).as("the server's own store").contains("\"gitk\"", "\"make\"");
    }

    @Test
    void anIsErrorResultIsACatchableToolErrorWithTheServersMessage() {
        MODEL.enqueue(executeCode("call_catch", CATCHING_PROGRAM), text("Added after creating nobody."));

        chatClient.prompt().user("Note that nobody is unknown.").call().content();

        JsonNode toolResult = toolResult(MODEL.request(1), "call_catch");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isTrue();
        assertThat(toolResult.path("result")).isEqualTo(JSON.readTree("""
                {"caught": true, "name": "ToolError", "message": "tool 'add_observations' failed: %s",
                 "added": ["unknown"]}""".formatted(SERVER_MESSAGE)));
    }

    @Test
    void anUncaughtIsErrorResultFailsTheProgramAsToolError() {
        MODEL.enqueue(executeCode("call_err", "return " + NOBODY + ";"), text("nobody is not in the graph."));

        chatClient.prompt().user("Note that nobody is unknown.").call().content();

        JsonNode toolResult = toolResult(MODEL.request(1), "call_err");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isFalse();
        assertThat(toolResult.path("error").path("type").asString()).isEqualTo("TOOL_ERROR");
        assertThat(toolResult.path("error").path("message").asString())
                .endsWith("tool 'add_observations' failed: " + SERVER_MESSAGE);
    }

    @Test
    void aRequestsOwnMcpToolsAreDeclaredWithTheirReturnTypesAndReturnData() {
        McpToolNamePrefixGenerator mine = (connection, tool) -> "mine_" + tool.name();
        List<McpSyncClient> sync = syncClients.getIfAvailable(List::of);
        ToolCallback[] requestTools = !sync.isEmpty()
                ? SyncMcpToolCallbackProvider.builder().mcpClients(sync).toolNamePrefixGenerator(mine).build()
                        .getToolCallbacks()
                : AsyncMcpToolCallbackProvider.builder().mcpClients(asyncClients.getObject())
                        .toolNamePrefixGenerator(mine).build().getToolCallbacks();
        assertThat(requestTools).hasSize(9).allSatisfy(t -> assertThat(t).isExactlyInstanceOf(callbackType()));
        MODEL.enqueue(executeCode("call_req", PROGRAM.replace("call_tool(\"", "call_tool(\"mine_")), text("Done."));

        chatClient.prompt().user("Remember three tools, then tell me which are about git.").toolCallbacks(requestTools)
                .call().content();

        assertThat(MODEL.request(0).systemText()).contains(SEARCH_NODES_DECLARATION.replace("\"search_nodes\"",
                "\"mine_search_nodes\""));
        JsonNode toolResult = toolResult(MODEL.request(1), "call_req");
        assertThat(toolResult.path("result").path("found")).as(toolResult.toString())
                .isEqualTo(JSON.readTree("[\"git: tracks versions of files\", \"gitk: browses git history\"]"));
    }

    /** The content of the tool message answering {@code callId}, parsed. */
    private static JsonNode toolResult(RecordedRequest request, String callId) {
        List<JsonNode> tools = request.messages("tool");
        assertThat(tools).as("tool messages").hasSize(1);
        assertThat(tools.get(0).path("tool_call_id").asString()).isEqualTo(callId);
        return JSON.readTree(RecordedRequest.text(tools.get(0)));
    }
}
