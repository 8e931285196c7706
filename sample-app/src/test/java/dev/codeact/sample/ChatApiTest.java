package dev.codeact.sample;

import static dev.codeact.spring.testing.Reply.executeCode;
import static dev.codeact.spring.testing.Reply.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.sample.ApiClient.Response;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/chat} against a scripted OpenAI-compatible server on 127.0.0.1: the "model" first calls
 * execute_code with a program over the sample tools, then answers with text. The program really runs in the
 * sandbox against the seeded database; the endpoint answers with the text and with the executions of this
 * request only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "codeact.sandbox.backend=auto")
class ChatApiTest {
    static final ScriptedOpenAiServer MODEL = ScriptedOpenAiServer.start();

    static final String QUESTION = "How much has Ada Lovelace spent on delivered orders, in US dollars?";
    static final String PROGRAM = """
            const c = call_tool('find_customer', {email: 'ada.lovelace@example.com'});
            const delivered = call_tool('orders_for_customer', {customerId: c.id}).filter(o => o.status === 'DELIVERED');
            const eur = delivered.reduce((sum, o) => sum + o.totalEur, 0);
            const fx = call_tool('exchange_rate', {from: 'EUR', to: 'USD'});
            return {name: c.name, orders: delivered.map(o => o.id), eur: Math.round(eur * 100) / 100,
                    usd: Math.round(eur * fx.rate * 100) / 100};
            """;
    static final String ANSWER = "Ada Lovelace has spent 877.90 EUR (952.52 USD) on 2 delivered orders.";

    @DynamicPropertySource
    static void scriptedModel(DynamicPropertyRegistry registry) {
        // no key, like a local server (Ollama, vLLM, LM Studio): a base URL that is not OpenAI's is enough
        MODEL.registerAsOpenAi(registry, "");
    }

    @AfterAll
    static void stopModel() {
        MODEL.close();
    }

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void reset() {
        MODEL.reset();
        api = new ApiClient(port);
    }

    @Test
    void theModelAnswersWithOneProgramAndTheEndpointReturnsItsExecution() {
        MODEL.enqueue(executeCode("call_1", PROGRAM), text(ANSWER));

        Response response = api.postJson("/api/chat", Map.of("message", QUESTION));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("answer").asString()).isEqualTo(ANSWER);
        JsonNode executions = body.path("executions");
        assertThat(executions).hasSize(1);
        JsonNode execution = executions.get(0);
        assertThat(execution.path("code").asString()).isEqualTo(PROGRAM);
        assertThat(execution.path("success").asBoolean()).as(execution.toString()).isTrue();
        assertThat(execution.path("toolCalls").asInt()).isEqualTo(3);
        assertThat(execution.path("toolsCalled").toString())
                .isEqualTo("[\"find_customer\",\"orders_for_customer\",\"exchange_rate\"]");
        assertThat(execution.path("durationMs").asDouble()).isPositive();
        assertThat(execution.path("error").isNull()).isTrue();
        JsonNode calls = execution.path("calls");
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0).path("name").asString()).isEqualTo("find_customer");
        assertThat(calls.get(0).path("arguments").path("email").asString()).isEqualTo("ada.lovelace@example.com");
        assertThat(calls.get(0).path("result").path("id").asInt()).isEqualTo(1);
        assertThat(calls.get(1).path("arguments").path("customerId").asInt()).isEqualTo(1);
        assertThat(calls.get(2).path("result").path("rate").asDouble()).isEqualTo(1.085);
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.path("error").isNull()).isTrue();
            assertThat(call.path("startMs").asDouble()).isNotNegative();
            assertThat(call.path("durationMs").asDouble()).isPositive();
        });
        JsonNode result = execution.path("result");
        assertThat(result.path("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(result.path("orders").toString()).isEqualTo("[5150,5226]");
        assertThat(result.path("eur").asDouble()).isEqualTo(877.90);
        assertThat(result.path("usd").asDouble()).isEqualTo(952.52);

        // What the model saw: only execute_code, the tool declarations, and the program's result as the tool message.
        List<RecordedRequest> requests = MODEL.requests();
        assertThat(requests).hasSize(2);
        RecordedRequest first = requests.get(0);
        assertThat(first.body().path("model").asString()).isEqualTo("test-model");
        assertThat(first.tools()).hasSize(1);
        assertThat(first.tools().get(0).path("function").path("name").asString()).isEqualTo("execute_code");
        String system = RecordedRequest.text(first.messages("system").get(0));
        assertThat(system).startsWith("You are the support assistant of an online electronics shop.")
                .contains("declare function call_tool(name: \"find_customer\"", "declare function call_tool(name: \"exchange_rate\"",
                        "use exchange_rate to convert them");
        JsonNode toolMessage = requests.get(1).messages("tool").get(0);
        assertThat(toolMessage.path("tool_call_id").asString()).isEqualTo("call_1");
        JsonNode toolResult = ApiClient.JSON.readTree(RecordedRequest.text(toolMessage));
        assertThat(toolResult.path("success").asBoolean()).isTrue();
        assertThat(toolResult.path("result")).isEqualTo(result);
        assertThat(MODEL.remainingReplies()).isZero();
    }

    /** The id goes to the advisors as ChatMemory.CONVERSATION_ID (sessions are off here) and comes back. */
    @Test
    void aConversationIdIsTakenAndAnswered() {
        MODEL.enqueue(text("Hello!"), text("Hello again!"));
        Response with = api.postJson("/api/chat", Map.of("message", "Hello", "conversationId", "chat-1"));
        Response without = api.postJson("/api/chat", Map.of("message", "Hello", "conversationId", " "));

        assertThat(with.status()).as(with.text()).isEqualTo(200);
        assertThat(with.json().path("conversationId").asString()).isEqualTo("chat-1");
        assertThat(with.json().path("answer").asString()).isEqualTo("Hello!");
        assertThat(without.status()).as(without.text()).isEqualTo(200);
        assertThat(without.json().has("conversationId")).as("blank is none").isFalse();
    }

    @Test
    void eachRequestGetsOnlyItsOwnExecutions() {
        MODEL.enqueue(executeCode("call_a", "return call_tool('find_customer', {id: 2}).name"),
                executeCode("call_b", "return call_tool('convert_units', {value: 0, from: 'C', to: 'F'}).result"),
                text("Grace Hopper; water freezes at 32 °F."));
        Response first = api.postJson("/api/chat", Map.of("message", "Who is customer 2, and what is 0 °C in °F?"));
        // a direct execution in between is not part of any chat request
        api.postJson("/api/execute", Map.of("code", "return 1"));
        MODEL.enqueue(text("Hello! Ask me about customers, orders or products."));
        Response second = api.postJson("/api/chat", Map.of("message", "Hello"));

        JsonNode executions = first.json().path("executions");
        assertThat(executions).hasSize(2);
        assertThat(executions.get(0).path("result").asString()).isEqualTo("Grace Hopper");
        assertThat(executions.get(1).path("result").asDouble()).isEqualTo(32.0);
        assertThat(first.json().path("answer").asString()).isEqualTo("Grace Hopper; water freezes at 32 °F.");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("executions")).isEmpty();
    }

    @Test
    void aFailingProgramIsReportedAndTheModelStillAnswers() {
        MODEL.enqueue(executeCode("call_err", "return call_tool('order_details', {orderId: 42})"),
                text("There is no order 42."));

        JsonNode body = api.postJson("/api/chat", Map.of("message", "What is in order 42?")).json();

        assertThat(body.path("answer").asString()).isEqualTo("There is no order 42.");
        JsonNode execution = body.path("executions").get(0);
        assertThat(execution.path("success").asBoolean()).isFalse();
        assertThat(execution.path("error").path("type").asString()).isEqualTo("TOOL_ERROR");
        assertThat(execution.path("error").path("message").asString()).contains("no order with id 42");
        JsonNode call = execution.path("calls").get(0);
        assertThat(call.path("arguments").path("orderId").asInt()).isEqualTo(42);
        assertThat(call.path("error").asString()).contains("no order with id 42");
    }

    @Test
    void aModelThatFailsGivesA502WithTheReason() {
        // nothing scripted: the server answers 400, which the OpenAI client does not retry
        Response response = api.postJson("/api/chat", Map.of("message", "Hello"));

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().path("detail").asString()).startsWith("The chat model call failed");
    }
}
