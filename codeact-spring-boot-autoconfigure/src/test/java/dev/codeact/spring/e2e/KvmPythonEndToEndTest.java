package dev.codeact.spring.e2e;

import static dev.codeact.spring.testing.Reply.executeCode;
import static dev.codeact.spring.testing.Reply.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The end-to-end conversation of {@link CodeActEndToEndTest} with {@code codeact.language=python}, in KVM micro-VMs:
 * the real OpenAI client asks a scripted model, which gets Python instructions and typed Python stubs of the tools
 * (and nothing of JavaScript), answers with a Python program that calls both tools, and gets the tools' data back in
 * the second request.
 */
@SpringBootTest(classes = E2eTestApplication.class)
@TestPropertySource(properties = {"codeact.sandbox.backend=kvm", "codeact.language=python"})
class KvmPythonEndToEndTest {
    static final ScriptedOpenAiServer MODEL = ScriptedOpenAiServer.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final String PROGRAM = """
            customer = call_tool("find_customer", email="ada@example.com")
            orders = await call_tool("orders_for_customer", {"customerId": customer["id"]})
            live = [o for o in orders if o["status"] != "CANCELLED"]
            total = sum(o["total"] for o in live)
            print(f"{customer['name']} ({customer['tier']}): {len(live)} live orders of {len(orders)}")
            {"name": customer["name"], "tier": customer["tier"], "orderCount": len(live), "total": total,
             "currency": live[0]["currency"]}
            """;

    static final String CATCHING_PROGRAM = """
            try:
                call_tool("find_customer", email="nobody@example.com")
                outcome = {"caught": False}
            except ToolError as e:
                fallback = call_tool("find_customer", {"email": "alan@example.com"})
                outcome = {"caught": True, "errorName": type(e).__name__, "errorMessage": str(e), "fallback": fallback["name"]}
            outcome
            """;

    @DynamicPropertySource
    static void scriptedModel(DynamicPropertyRegistry registry) {
        MODEL.registerAsOpenAi(registry, "test-key");
        registry.add("spring.main.web-application-type", () -> "none");
    }

    @BeforeAll
    static void requireKvm() {
        KvmEndToEndTest.requireKvm();
    }

    @Autowired
    ChatClient.Builder chatClientBuilder;

    @Autowired
    CustomerTools customers;

    @Autowired
    OrderTools orders;

    @Autowired
    CodeSandbox sandbox;

    ChatClient chatClient;

    @BeforeEach
    void reset() {
        MODEL.reset();
        customers.reset();
        orders.reset();
        chatClient = chatClientBuilder.build();
    }

    @AfterEach
    void everyScriptedReplyWasUsedAndNothingElseArrived() {
        assertThat(MODEL.unexpectedRequests()).as("requests the scripted server could not answer").isEmpty();
        assertThat(MODEL.remainingReplies()).as("scripted replies left unused").isZero();
    }

    @Test
    void theModelGetsPythonAndItsPythonProgramCombinesBothTools() {
        MODEL.enqueue(executeCode("call_py", PROGRAM), text(CodeActEndToEndTest.ANSWER));

        String answer = chatClient.prompt().system(CodeActEndToEndTest.SYSTEM).user(CodeActEndToEndTest.QUESTION).call()
                .content();

        assertThat(answer).isEqualTo(CodeActEndToEndTest.ANSWER);
        assertThat(sandbox.backend()).isEqualTo("kvm");
        List<RecordedRequest> requests = MODEL.requests();
        assertThat(requests).as("model round trips: the question, then the execute_code result").hasSize(2);

        RecordedRequest first = requests.get(0);
        assertExecuteCodeForPython(first);
        String system = first.systemText();
        assertThat(system).startsWith(CodeActEndToEndTest.SYSTEM + "\n\n").contains("write ONE Python program",
                "call_tool(name, **kwargs)", "ToolError", "```python\n",
                "class FindCustomerArgs(TypedDict):\n    email: str  # The customer's e-mail address\n",
                "def call_tool(name: Literal[\"find_customer\"], args: FindCustomerArgs) -> FindCustomerResult:\n"
                        + "    \"\"\"Find a customer by e-mail address\"\"\"\n",
                "class OrdersForCustomerArgs(TypedDict):\n    customerId: str  # The customer's id, e.g. C-1001\n",
                "def call_tool(name: Literal[\"orders_for_customer\"], args: OrdersForCustomerArgs) -> list[");
        // The return shapes come from the Java records.
        assertThat(system).contains("class FindCustomerResult(TypedDict): email: str; id: str; name: str; tier: str\n",
                "class OrdersForCustomerResultItem(TypedDict): currency: str; id: str; status: str; total: float\n");
        assertThat(system).doesNotContain("JavaScript", "declare function", "```typescript", "console.log", "return ");

        RecordedRequest second = requests.get(1);
        assertExecuteCodeForPython(second);
        assertThat(second.systemText()).isEqualTo(system);
        JsonNode toolCall = second.messages("assistant").get(0).path("tool_calls").get(0);
        assertThat(JSON.readTree(toolCall.path("function").path("arguments").asString()).path("code").asString())
                .isEqualTo(PROGRAM);
        JsonNode toolResult = toolResult(second, "call_py");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isTrue();
        assertThat(toolResult.path("stdout").asString()).isEqualTo("Ada Lovelace (GOLD): 3 live orders of 4\n");
        JsonNode result = toolResult.path("result");
        assertThat(result.path("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(result.path("tier").asString()).isEqualTo("GOLD");
        assertThat(result.path("orderCount").asInt()).isEqualTo(3);
        assertThat(result.path("total").asDouble()).isEqualTo(514.75);
        assertThat(result.path("currency").asString()).isEqualTo("EUR");

        // The numbers came from the real beans, each called once by the program.
        assertThat(customers.emails()).containsExactly("ada@example.com");
        assertThat(orders.customerIds()).containsExactly("C-1001");
    }

    @Test
    void aPythonProgramCatchesAToolErrorAndCarriesOn() {
        MODEL.enqueue(executeCode("call_catch", CATCHING_PROGRAM), text("Only Alan is known."));

        String answer = chatClient.prompt().user("Who are nobody@example.com and alan@example.com?").call().content();

        assertThat(answer).isEqualTo("Only Alan is known.");
        JsonNode toolResult = toolResult(MODEL.request(1), "call_catch");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isTrue();
        JsonNode result = toolResult.path("result");
        assertThat(result.path("caught").asBoolean()).as(toolResult.toString()).isTrue();
        assertThat(result.path("errorName").asString()).isEqualTo("ToolError");
        assertThat(result.path("errorMessage").asString()).contains("no customer with e-mail nobody@example.com");
        assertThat(result.path("fallback").asString()).isEqualTo("Alan Turing");
        assertThat(customers.emails()).containsExactly("nobody@example.com", "alan@example.com");
        assertThat(orders.calls()).isZero();
    }

    private static void assertExecuteCodeForPython(RecordedRequest request) {
        assertThat(request.toolNames()).containsExactly("execute_code");
        JsonNode function = request.tools().get(0).path("function");
        assertThat(function.path("description").asString()).contains("Python", "(kvm)").doesNotContain("JavaScript");
        assertThat(function.path("parameters").path("properties").path("code").path("description").asString())
                .isEqualTo("Python: a module body");
    }

    private static JsonNode toolResult(RecordedRequest request, String callId) {
        List<JsonNode> tools = request.messages("tool");
        assertThat(tools).as("tool messages").hasSize(1);
        assertThat(tools.get(0).path("tool_call_id").asString()).isEqualTo(callId);
        return JSON.readTree(RecordedRequest.text(tools.get(0)));
    }
}
