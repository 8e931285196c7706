package dev.codeact.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.sample.ApiClient.Response;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The application over HTTP on a random port, with the sandbox backend chosen as in production ({@code auto}:
 * KVM where usable) and no chat model configured: {@code /api/execute} runs programs against the real tools
 * and the seeded H2 database; {@code /api/chat} answers 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "codeact.sandbox.backend=auto",
        // no model, whatever the environment of the machine running the tests says
        "spring.ai.openai.api-key=",
        "spring.ai.openai.base-url=https://api.openai.com/v1"})
class ExecuteApiTest {

    /** Finds a customer, sums their delivered orders and converts the sum to US dollars: three tools. */
    static final String THREE_TOOLS = """
            const c = call_tool('find_customer', {email: 'ada.lovelace@example.com'});
            const orders = call_tool('orders_for_customer', {customerId: c.id});
            const delivered = orders.filter(o => o.status === 'DELIVERED');
            const eur = delivered.reduce((sum, o) => sum + o.totalEur, 0);
            const fx = call_tool('exchange_rate', {from: 'EUR', to: 'USD'});
            console.log(`${c.name}: ${delivered.length} of ${orders.length} orders delivered`);
            return {customer: c.name, tier: c.tier, deliveredOrders: delivered.length,
                    totalEur: Math.round(eur * 100) / 100, totalUsd: Math.round(eur * fx.rate * 100) / 100, rate: fx.rate};
            """;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CodeSandbox sandbox;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    @Test
    void autoPicksKvmWhereItIsUsable() {
        assertThat(sandbox.backend()).isEqualTo(KvmAvailability.probe().usable() ? "kvm" : "graaljs");
    }

    @Test
    void theSeededDataIsTheSameOnEveryStart() {
        assertThat(count("customers")).isEqualTo(100);
        assertThat(count("products")).isEqualTo(50);
        assertThat(count("orders")).isEqualTo(300);
        assertThat(count("order_lines")).isEqualTo(751);
        assertThat(jdbc.sql("SELECT SUM(quantity * unit_price_eur) FROM order_lines").query(BigDecimal.class).single())
                .isEqualByComparingTo("100575.70");
    }

    @Test
    void aProgramCallingThreeToolsGetsTheRealNumbers() {
        Response response = api.postJson("/api/execute", Map.of("code", THREE_TOOLS));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).as(response.text()).isTrue();
        assertThat(body.path("error").isNull()).isTrue();
        assertThat(body.path("toolCalls").asInt()).isEqualTo(3);
        assertThat(body.path("toolsCalled").toString())
                .isEqualTo("[\"find_customer\",\"orders_for_customer\",\"exchange_rate\"]");
        assertThat(body.path("files").isArray()).as("the program's /output files").isTrue();
        assertThat(body.has("code")).as("the program is not echoed").isFalse();
        assertThat(body.path("durationMs").asDouble()).isPositive();
        assertThat(body.path("stdout").asString()).isEqualTo("Ada Lovelace: 2 of 4 orders delivered\n");
        assertThat(body.path("stderr").asString()).isEmpty();

        // each call with what it was given, what came back and when (the playground's timeline)
        JsonNode calls = body.path("calls");
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0).path("name").asString()).isEqualTo("find_customer");
        assertThat(calls.get(0).path("arguments").toString()).isEqualTo("{\"email\":\"ada.lovelace@example.com\"}");
        assertThat(calls.get(0).path("result").path("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(calls.get(1).path("arguments").toString()).isEqualTo("{\"customerId\":1}");
        assertThat(calls.get(1).path("result")).hasSize(4);
        assertThat(calls.get(2).path("arguments").toString()).isEqualTo("{\"from\":\"EUR\",\"to\":\"USD\"}");
        assertThat(calls.get(2).path("result").path("rate").asDouble()).isEqualTo(1.085);
        double previousEnd = 0;
        for (JsonNode call : calls) {
            assertThat(call.path("error").isNull()).as(call.toString()).isTrue();
            assertThat(call.path("startMs").asDouble()).as("calls run one after the other").isGreaterThanOrEqualTo(previousEnd);
            assertThat(call.path("durationMs").asDouble()).isPositive();
            previousEnd = call.path("startMs").asDouble() + call.path("durationMs").asDouble();
        }

        JsonNode result = body.path("result");
        assertThat(result.isObject()).as("result is JSON, not a string").isTrue();
        assertThat(result.path("customer").asString()).isEqualTo("Ada Lovelace");
        assertThat(result.path("tier").asString()).isEqualTo("PLATINUM");
        assertThat(result.path("deliveredOrders").asInt()).isEqualTo(2);
        assertThat(result.path("totalEur").asDouble()).isEqualTo(877.90);   // orders 5150 (328.90) and 5226 (549.00)
        assertThat(result.path("rate").asDouble()).isEqualTo(1.085);
        assertThat(result.path("totalUsd").asDouble()).isEqualTo(952.52);

        // the same numbers straight from the database
        BigDecimal delivered = jdbc.sql("""
                        SELECT SUM(l.quantity * l.unit_price_eur) FROM orders o JOIN order_lines l ON l.order_id = o.id
                        WHERE o.customer_id = 1 AND o.status = 'DELIVERED'""").query(BigDecimal.class).single();
        assertThat(delivered).isEqualByComparingTo("877.90");
        assertThat(delivered.multiply(new BigDecimal("1.085")).setScale(2, RoundingMode.HALF_UP)).isEqualByComparingTo("952.52");
    }

    @Test
    void everyShopToolAnswersWithRecords() {
        Response response = api.postJson("/api/execute", Map.of("code", """
                const order = call_tool('order_details', {orderId: 5150});
                const top = call_tool('top_products', {category: 'Monitors', limit: 2});
                const gold = call_tool('search_customers', {country: 'de', tier: 'gold'});
                const byId = call_tool('find_customer', {id: 2});
                const km = call_tool('convert_units', {value: 26.2, from: 'mi', to: 'km'});
                const f = call_tool('convert_units', {value: 100, from: 'C', to: 'F'});
                return {order, top, gold: gold.map(c => c.email), byId: byId.name, km: km.result, f: f.result};
                """));

        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).as(response.text()).isTrue();
        assertThat(body.path("toolCalls").asInt()).isEqualTo(6);
        JsonNode result = body.path("result");

        JsonNode order = result.path("order");
        assertThat(order.path("customerName").asString()).isEqualTo("Ada Lovelace");
        assertThat(order.path("orderedOn").asString()).isEqualTo("2025-02-02");
        assertThat(order.path("status").asString()).isEqualTo("DELIVERED");
        assertThat(order.path("totalEur").decimalValue()).isEqualByComparingTo("328.90");
        assertThat(order.path("lines")).hasSize(2);
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode line : order.path("lines")) {
            assertThat(line.path("lineTotalEur").decimalValue()).isEqualByComparingTo(
                    line.path("unitPriceEur").decimalValue().multiply(BigDecimal.valueOf(line.path("quantity").asInt())));
            sum = sum.add(line.path("lineTotalEur").decimalValue());
        }
        assertThat(sum).isEqualByComparingTo("328.90");

        JsonNode top = result.path("top");
        assertThat(top).hasSize(2);
        assertThat(top.get(0).path("rank").asInt()).isEqualTo(1);
        assertThat(top.get(0).path("sku").asString()).isEqualTo("MN-004");
        assertThat(top.get(0).path("revenueEur").decimalValue()).isEqualByComparingTo("6588.00");
        assertThat(top.get(0).path("revenueEur").decimalValue())
                .isGreaterThanOrEqualTo(top.get(1).path("revenueEur").decimalValue());

        assertThat(result.path("gold")).hasSize(1);
        assertThat(result.path("gold").get(0).asString()).isEqualTo("henrik.costa@example.com");
        assertThat(result.path("byId").asString()).isEqualTo("Grace Hopper");
        assertThat(result.path("km").asDouble()).isEqualTo(42.1648128);
        assertThat(result.path("f").asDouble()).isEqualTo(212.0);
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void aMissingProgramIsABadRequest() {
        for (String body : new String[] {"{}", "{\"code\": \"   \"}", "{\"code\": null}"}) {
            Response response = api.post("/api/execute", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("detail").asString()).contains("'code' is required");
        }
    }

    /** The same three tools from Python, where the sandbox runs Python (the KVM backend runs both languages). */
    @Test
    void aPythonProgramCallingThreeToolsGetsTheSameNumbers() {
        Assumptions.assumeTrue(sandbox.languages().contains(Language.PYTHON), "this sandbox runs no Python");
        Response response = api.postJson("/api/execute", Map.of("language", "python", "code", """
                c = call_tool('find_customer', email='ada.lovelace@example.com')
                orders = call_tool('orders_for_customer', customerId=c['id'])
                delivered = [o for o in orders if o['status'] == 'DELIVERED']
                eur = sum(o['totalEur'] for o in delivered)
                fx = call_tool('exchange_rate', {'from': 'EUR', 'to': 'USD'})
                print(f"{c['name']}: {len(delivered)} of {len(orders)} orders delivered")
                {'customer': c['name'], 'deliveredOrders': len(delivered), 'totalEur': round(eur, 2),
                 'totalUsd': round(eur * fx['rate'], 2)}
                """));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).as(response.text()).isTrue();
        assertThat(body.path("language").asString()).isEqualTo("python");
        assertThat(body.path("toolsCalled").toString())
                .isEqualTo("[\"find_customer\",\"orders_for_customer\",\"exchange_rate\"]");
        assertThat(body.path("stdout").asString()).isEqualTo("Ada Lovelace: 2 of 4 orders delivered\n");
        JsonNode result = body.path("result");
        assertThat(result.path("customer").asString()).isEqualTo("Ada Lovelace");
        assertThat(result.path("deliveredOrders").asInt()).isEqualTo(2);
        assertThat(result.path("totalEur").asDouble()).isEqualTo(877.90);
        assertThat(result.path("totalUsd").asDouble()).isEqualTo(952.52);
    }

    @Test
    void withoutALanguageTheConfiguredOneRunsAndAnUnknownOneIsABadRequest() {
        Response javascript = api.postJson("/api/execute", Map.of("code", "return 6 * 7"));
        assertThat(javascript.json().path("language").asString()).isEqualTo("javascript");
        assertThat(javascript.json().path("result").asInt()).isEqualTo(42);

        Response ruby = api.postJson("/api/execute", Map.of("language", "ruby", "code", "puts 42"));
        assertThat(ruby.status()).isEqualTo(400);
        assertThat(ruby.contentType()).startsWith("application/problem+json");
        assertThat(ruby.json().path("detail").asString())
                .isEqualTo("'language': unknown language 'ruby': use javascript or python");
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequest() {
        Response response = api.post("/api/execute", "return 1 + 1");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asString()).contains("must be a JSON object");
    }

    @Test
    void aSyntaxErrorIsAFailedExecutionNotAFailedRequest() {
        Response response = api.postJson("/api/execute", Map.of("code", "return {"));
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("error").path("type").asString()).isEqualTo("SYNTAX");
        assertThat(body.path("error").path("message").asString()).isNotBlank();
        assertThat(body.path("result").isNull()).isTrue();
    }

    @Test
    void aFailingToolReachesTheProgramAsACatchableToolError() {
        Response response = api.postJson("/api/execute", Map.of("code", """
                try {
                  call_tool('find_customer', {email: 'nobody@example.com'});
                } catch (e) {
                  console.error(e.message);
                  return {caught: e.name};
                }
                """));
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).as(response.text()).isTrue();
        assertThat(body.path("result").path("caught").asString()).isEqualTo("ToolError");
        assertThat(body.path("stderr").asString()).contains("no customer with e-mail nobody@example.com");
        JsonNode call = body.path("calls").get(0);
        assertThat(call.path("name").asString()).isEqualTo("find_customer");
        assertThat(call.path("result").isNull()).isTrue();
        assertThat(call.path("error").asString()).contains("no customer with e-mail nobody@example.com");
    }

    @Test
    void anUncaughtToolErrorFailsTheExecutionWithTheToolsMessage() {
        Response response = api.postJson("/api/execute", Map.of("code",
                "return call_tool('exchange_rate', {from: 'EUR', to: 'XYZ'})"));
        assertThat(response.status()).isEqualTo(200);
        JsonNode error = response.json().path("error");
        assertThat(error.path("type").asString()).isEqualTo("TOOL_ERROR");
        assertThat(error.path("message").asString()).contains("exchange_rate", "unknown currency 'XYZ'");
        assertThat(response.json().path("calls")).singleElement()
                .satisfies(call -> assertThat(call.path("error").asString()).contains("unknown currency 'XYZ'"));
    }

    @Test
    void aThrownErrorIsARuntimeFailureWithItsName() {
        Response response = api.postJson("/api/execute", Map.of("code", "null.x"));
        JsonNode error = response.json().path("error");
        assertThat(response.json().path("success").asBoolean()).isFalse();
        assertThat(error.path("type").asString()).isEqualTo("RUNTIME");
        assertThat(error.path("name").asString()).isEqualTo("TypeError");
        assertThat(response.json().path("calls").isArray()).isTrue();
        assertThat(response.json().path("calls")).isEmpty();
    }

    @Test
    void cancelOrderIsNotOfferedByDefault() {
        assertThat(api.get("/api/tools").text()).doesNotContain("cancel_order");
        Response response = api.postJson("/api/execute", Map.of("code", "return call_tool('cancel_order', {orderId: 5150})"));
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("error").path("type").asString()).as(response.text()).isEqualTo("TOOL_ERROR");
        assertThat(body.path("error").path("message").asString()).contains("cancel_order");
        assertThat(jdbc.sql("SELECT status FROM orders WHERE id = 5150").query(String.class).single()).isEqualTo("DELIVERED");
    }

    @Test
    void withSessionsOffAConversationIdIsTakenAndEveryProgramStartsFresh() {
        for (int i = 0; i < 2; i++) {
            Response response = api.postJson("/api/execute", Map.of("conversationId", "c1",
                    "code", "globalThis.n = (globalThis.n ?? 0) + 1; return n;"));
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json().path("result").asInt()).isEqualTo(1);
            assertThat(response.json().has("conversationId")).as("it ran in no session").isFalse();
        }
        Response tooLong = api.postJson("/api/execute", Map.of("conversationId", "x".repeat(300), "code", "return 1"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("detail").asString()).contains("'conversationId' is at most 256 characters");
    }

    @Test
    void withoutSuspendModeThereAreNoApprovalsToListOrDecide() {
        for (Response response : new Response[] {api.get("/api/approvals"),
                api.postJson("/api/approvals/some-id", Map.of("approved", true))}) {
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("detail").asString())
                    .contains("codeact.tools.approval-mode=suspend", "--spring.profiles.active=sessions");
        }
    }

    // ------------------------------------------------------------------------------------- the rest of the API

    @Test
    void chatAnswers503WhenNoModelIsConfigured() {
        Response response = api.postJson("/api/chat", Map.of("message", "Who is customer 1?"));
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("detail").asString()).contains("No chat model is configured", "OPENAI_API_KEY",
                "OPENAI_BASE_URL");
    }

    @Test
    void chatWithoutAMessageIsABadRequestEvenWithoutAModel() {
        Response response = api.postJson("/api/chat", Map.of("question", "Who is customer 1?"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asString()).contains("'message' is required");
    }

    @Test
    void theToolDeclarationsAreListed() {
        Response response = api.get("/api/tools");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).contains("declare function call_tool(name: \"find_customer\"",
                "declare function call_tool(name: \"exchange_rate\"", "declare function call_tool(name: \"convert_units\"",
                "declare function call_tool(name: \"top_products\"");
        Response python = api.get("/api/tools?language=python");
        assertThat(python.status()).isEqualTo(200);
        assertThat(python.text()).contains("def call_tool(name: Literal[\"find_customer\"], args: FindCustomerArgs) -> ",
                "ExchangeRateArgs = TypedDict(\"ExchangeRateArgs\", {\n    \"from\": str,  # ISO 4217 code").doesNotContain("declare function");
        assertThat(api.get("/api/tools?language=cobol").status()).isEqualTo(400);
    }

    @Test
    void actuatorShowsHealthInfoAndMetrics() {
        Response health = api.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        // the README's name for it
        Response codeact = api.get("/actuator/health/codeact");
        assertThat(codeact.status()).isEqualTo(200);
        assertThat(codeact.json().path("status").asString()).isEqualTo("UP");
        assertThat(codeact.json().path("details").path("backend").asString()).isIn("kvm", "graaljs");

        Response info = api.get("/actuator/info");
        assertThat(info.json().path("chatModel").path("configured").asBoolean(true)).isFalse();
        assertThat(info.json().path("app").path("name").asString()).isEqualTo("CodeAct sample application");

        assertThat(api.get("/actuator/metrics").json().path("names").toString()).contains("jvm.memory.used");
    }

    private int count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Integer.class).single();
    }
}
