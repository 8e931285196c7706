package dev.codeact.spring.e2e;

import static dev.codeact.spring.testing.Reply.executeCode;
import static dev.codeact.spring.testing.Reply.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end through the real stack: the auto-configured {@link ChatClient} with the OpenAI starter talks
 * over HTTP to a scripted chat-completions server; the CodeAct advisor rewrites the request, Spring AI's
 * tool loop runs {@code execute_code}, the program runs in the sandbox backend of the subclass and calls
 * the application's real {@code @Tool} beans, and the result goes back to the "model" as a tool message.
 */
@SpringBootTest(classes = E2eTestApplication.class)
abstract class CodeActEndToEndTest {
    static final ScriptedOpenAiServer MODEL = ScriptedOpenAiServer.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final String SYSTEM = "You are a support assistant for an online shop.";
    static final String QUESTION = "How much has ada@example.com spent with us, and on how many orders?";
    static final String ANSWER = "Ada Lovelace (GOLD) has 3 live orders totalling 514.75 EUR.";

    /** Looks the customer up, fetches its orders, drops the cancelled one and sums the rest. */
    static final String PROGRAM = """
            const customer = call_tool("find_customer", { email: "ada@example.com" });
            const orders = call_tool("orders_for_customer", { customerId: customer.id });
            const live = orders.filter(o => o.status !== "CANCELLED");
            const total = live.reduce((sum, o) => sum + o.total, 0);
            console.log(`${customer.name} (${customer.tier}): ${live.length} live orders of ${orders.length}`);
            return { name: customer.name, tier: customer.tier, orderCount: live.length, total,
                     currency: live[0].currency };
            """;

    static final String FAILING_PROGRAM = """
            const customer = call_tool("find_customer", { email: "nobody@example.com" });
            return call_tool("orders_for_customer", { customerId: customer.id });
            """;

    static final String CATCHING_PROGRAM = """
            try {
              call_tool("find_customer", { email: "nobody@example.com" });
              return { caught: false };
            } catch (e) {
              const fallback = call_tool("find_customer", { email: "alan@example.com" });
              return { caught: true, errorName: e.name, errorMessage: e.message, fallback: fallback.name };
            }
            """;

    @DynamicPropertySource
    static void scriptedModel(DynamicPropertyRegistry registry) {
        MODEL.registerAsOpenAi(registry, "test-key");
        registry.add("spring.main.web-application-type", () -> "none");
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

    /** The backend this test class configures, as in {@code codeact.sandbox.backend}. */
    protected abstract String backend();

    @BeforeEach
    void reset() {
        MODEL.reset();
        customers.reset();
        orders.reset();
        chatClient = chatClientBuilder.build();
    }

    @AfterEach
    void everyScriptedReplyWasUsedAndNothingElseArrived(TestInfo test) {
        dump(test.getTestMethod().map(m -> m.getName()).orElse("test"));
        assertThat(MODEL.unexpectedRequests()).as("requests the scripted server could not answer").isEmpty();
        assertThat(MODEL.remainingReplies()).as("scripted replies left unused").isZero();
    }

    @Test
    void theConfiguredBackendRunsThePrograms() {
        assertThat(sandbox.backend()).isEqualTo(backend());
    }

    @Test
    void callAnswersWithOneProgramThatCombinesBothTools() {
        MODEL.enqueue(executeCode("call_1", PROGRAM), text(ANSWER));

        String answer = chatClient.prompt().system(SYSTEM).user(QUESTION).call().content();

        assertThat(answer).isEqualTo(ANSWER);
        assertConversation(false);
    }

    @Test
    void streamAnswersWithOneProgramThatCombinesBothTools() {
        MODEL.enqueue(executeCode("call_1", PROGRAM), text(ANSWER));

        List<String> chunks = chatClient.prompt().system(SYSTEM).user(QUESTION).stream().content().collectList().block();

        assertThat(chunks).isNotNull();
        assertThat(String.join("", chunks)).isEqualTo(ANSWER);
        assertConversation(true);
    }

    @Test
    void aFailingToolReachesTheModelAsAnErrorResultNotAsAFailedRequest() {
        MODEL.enqueue(executeCode("call_err", FAILING_PROGRAM), text("I could not find that customer."));

        String answer = chatClient.prompt().user("What did nobody@example.com order?").call().content();

        assertThat(answer).isEqualTo("I could not find that customer.");
        assertFailureResult();
    }

    @Test
    void aFailingToolReachesTheModelAsAnErrorResultWhenStreaming() {
        MODEL.enqueue(executeCode("call_err", FAILING_PROGRAM), text("I could not find that customer."));

        List<String> chunks = chatClient.prompt().user("What did nobody@example.com order?").stream().content()
                .collectList().block();

        assertThat(String.join("", chunks)).isEqualTo("I could not find that customer.");
        assertFailureResult();
    }

    @Test
    void aProgramCanCatchAToolErrorAndCarryOn() {
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

    // ------------------------------------------------------------------------------------------------ assertions

    private void assertConversation(boolean stream) {
        List<RecordedRequest> requests = MODEL.requests();
        assertThat(requests).as("model round trips: the question, then the execute_code result").hasSize(2);
        assertThat(requests).allSatisfy(r -> assertThat(r.stream()).isEqualTo(stream));

        // First request: the question, one tool, and instructions that declare both @Tool beans.
        RecordedRequest first = requests.get(0);
        assertThat(first.path()).endsWith("/chat/completions");
        assertThat(first.headers().get("authorization")).isEqualTo("Bearer test-key");
        assertThat(first.body().path("model").asString()).isEqualTo("test-model");
        assertOnlyExecuteCode(first);
        String system = first.systemText();
        assertThat(system).as("system message").isNotNull().startsWith(SYSTEM + "\n\n");
        assertDeclaresBothTools(system);
        assertThat(first.messages("user")).singleElement()
                .satisfies(m -> assertThat(RecordedRequest.text(m)).isEqualTo(QUESTION));
        assertThat(first.messages("tool")).isEmpty();

        // Second request: the same tool and instructions, the assistant's call, and the program's output.
        RecordedRequest second = requests.get(1);
        assertOnlyExecuteCode(second);
        assertThat(second.systemText()).isEqualTo(system);
        assertThat(second.messages().stream().map(m -> m.path("role").asString()).toList())
                .containsExactly("system", "user", "assistant", "tool");
        JsonNode assistant = second.messages("assistant").get(0);
        JsonNode toolCall = assistant.path("tool_calls").get(0);
        assertThat(toolCall.path("id").asString()).isEqualTo("call_1");
        assertThat(toolCall.path("function").path("name").asString()).isEqualTo("execute_code");
        assertThat(JSON.readTree(toolCall.path("function").path("arguments").asString()).path("code").asString())
                .isEqualTo(PROGRAM);

        JsonNode toolResult = toolResult(second, "call_1");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isTrue();
        assertThat(toolResult.path("stdout").asString()).isEqualTo("Ada Lovelace (GOLD): 3 live orders of 4\n");
        JsonNode result = toolResult.path("result");
        assertThat(result.path("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(result.path("tier").asString()).isEqualTo("GOLD");
        assertThat(result.path("orderCount").asInt()).isEqualTo(3);
        assertThat(result.path("total").asDouble()).isEqualTo(514.75);
        assertThat(result.path("currency").asString()).isEqualTo("EUR");
        assertThat(toolResult.has("error")).as(toolResult.toString()).isFalse();

        // The numbers came from the real beans, each called once by the program.
        assertThat(customers.calls()).isEqualTo(1);
        assertThat(customers.emails()).containsExactly("ada@example.com");
        assertThat(orders.calls()).isEqualTo(1);
        assertThat(orders.customerIds()).containsExactly("C-1001");
    }

    private void assertFailureResult() {
        List<RecordedRequest> requests = MODEL.requests();
        assertThat(requests).hasSize(2);
        assertOnlyExecuteCode(requests.get(0));
        JsonNode toolResult = toolResult(requests.get(1), "call_err");
        assertThat(toolResult.path("success").asBoolean()).as(toolResult.toString()).isFalse();
        assertThat(toolResult.path("error").path("message").asString()).as(toolResult.toString())
                .contains("find_customer")
                .contains("no customer with e-mail nobody@example.com");
        assertThat(toolResult.path("error").path("type").asString()).as(toolResult.toString()).isNotBlank();
        assertThat(customers.emails()).containsExactly("nobody@example.com");
        assertThat(orders.calls()).as("the program stopped at the failing call").isZero();
    }

    private void assertOnlyExecuteCode(RecordedRequest request) {
        assertThat(request.toolNames()).containsExactly("execute_code");
        JsonNode tool = request.tools().get(0);
        assertThat(tool.path("type").asString()).isEqualTo("function");
        JsonNode function = tool.path("function");
        assertThat(function.path("description").asString()).contains("(" + backend() + ")");
        JsonNode parameters = function.path("parameters");
        assertThat(parameters.path("type").asString()).isEqualTo("object");
        assertThat(parameters.path("properties").propertyNames()).containsExactly("code");
        assertThat(parameters.path("properties").path("code").path("type").asString()).isEqualTo("string");
        assertThat(parameters.path("required").get(0).asString()).isEqualTo("code");
    }

    private static void assertDeclaresBothTools(String system) {
        assertThat(system).contains("## Answering with code", "execute_code", "call_tool(name, args)");
        assertThat(system).contains(
                "/** Find a customer by e-mail address */\n"
                        + "declare function call_tool(name: \"find_customer\", args: {\n"
                        + "  /** The customer's e-mail address */\n"
                        + "  email: string;\n"
                        + "}): ");
        assertThat(system).contains(
                "/** List a customer's orders, newest last */\n"
                        + "declare function call_tool(name: \"orders_for_customer\", args: {\n"
                        + "  /** The customer's id, e.g. C-1001 */\n"
                        + "  customerId: string;\n"
                        + "}): ");
        // The return shapes come from the Java records.
        String findCustomer = declaration(system, "find_customer");
        assertThat(findCustomer).contains("id", "name", "email", "tier");
        String ordersForCustomer = declaration(system, "orders_for_customer");
        assertThat(ordersForCustomer).contains("total", "currency", "status", "[]");
    }

    /** The text of one tool's declaration, from its call_tool line up to the terminating semicolon of the line. */
    private static String declaration(String system, String tool) {
        int start = system.indexOf("declare function call_tool(name: \"" + tool + "\"");
        assertThat(start).as("declaration of " + tool).isNotNegative();
        int end = system.indexOf(";\n", system.indexOf("}): ", start));
        return system.substring(start, end + 1);
    }

    /** The content of the tool message answering {@code callId}, parsed. */
    private static JsonNode toolResult(RecordedRequest request, String callId) {
        List<JsonNode> tools = request.messages("tool");
        assertThat(tools).as("tool messages").hasSize(1);
        JsonNode message = tools.get(0);
        assertThat(message.path("tool_call_id").asString()).isEqualTo(callId);
        String content = RecordedRequest.text(message);
        assertThat(content).as("tool message content").isNotBlank();
        return JSON.readTree(content);
    }

    /** Keeps each conversation (every request body) and its first system message under target/e2e, for reading. */
    private void dump(String testName) {
        List<RecordedRequest> requests = MODEL.requests();
        if (requests.isEmpty()) {
            return;
        }
        try {
            Path dir = Path.of("target", "e2e");
            Files.createDirectories(dir);
            String name = backend() + "-" + testName;
            JsonNode bodies = JSON.valueToTree(requests.stream().map(RecordedRequest::body).toList());
            Files.writeString(dir.resolve(name + ".json"), bodies.toPrettyString());
            String system = requests.get(0).systemText();
            if (system != null) {
                Files.writeString(dir.resolve(name + "-system.txt"), system);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
