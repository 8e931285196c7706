package dev.codeact.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.sample.ApiClient.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The {@code sessions} profile over HTTP on a random port, on real micro-VMs: programs with the same
 * {@code conversationId} continue from each other's state, and a program that calls {@code cancel_order} is suspended
 * until {@code POST /api/approvals/{id}} decides, after which it continues from that call. Runs only where KVM is
 * usable: sessions are micro-VM snapshots (no GraalJS fallback).
 */
@RequiresKvm
@ActiveProfiles("sessions")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.ai.openai.api-key=",
        "spring.ai.openai.base-url=https://api.openai.com/v1"})
class SessionsAndApprovalsApiTest {
    static final String COUNT = "globalThis.n = (globalThis.n ?? 0) + 1; return n;";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    // ---------------------------------------------------------------------------------------------- sessions

    @Test
    void programsOfOneConversationContinueFromEachOthersState() {
        assertThat(counts("counting", 3)).containsExactly(1, 2, 3);
        assertThat(counts("another conversation", 1)).as("its own state").containsExactly(1);
        assertThat(counts("counting", 1)).as("the first conversation goes on").containsExactly(4);
        assertThat(counts(null, 2)).as("without a conversation every program starts fresh").containsExactly(1, 1);
        assertThat(counts("   ", 1)).as("a blank id is none").containsExactly(1);

        Response answer = execute(COUNT, "counting");
        assertThat(answer.json().path("result").asInt()).isEqualTo(5);
        assertThat(answer.json().path("conversationId").asString()).isEqualTo("counting");
        assertThat(execute(COUNT, null).json().has("conversationId")).as("no session, no id").isFalse();
    }

    @Test
    void aConversationIdLongerThan256CharactersIsABadRequest() {
        String id = "c".repeat(257);
        for (String path : new String[] {"/api/execute", "/api/chat"}) {
            Response response = api.postJson(path, Map.of("code", COUNT, "message", "hi", "conversationId", id));
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("detail").asString())
                    .isEqualTo("'conversationId' is at most 256 characters; this one has 257");
        }
        assertThat(execute(COUNT, "c".repeat(256)).json().path("result").asInt()).as("256 is taken").isEqualTo(1);
    }

    // --------------------------------------------------------------------------------------------- approvals

    @Test
    void anApprovedCancellationRunsOnceAndTheProgramGoesOnFromItsCall() {
        int order = deliveredOrder(0);
        Response suspended = execute("""
                const cancelled = call_tool('cancel_order', {orderId: %d});
                console.log(`cancelled ${cancelled.id}: ${cancelled.status}`);
                return call_tool('order_details', {orderId: %d}).status;
                """.formatted(order, order), "support-1");

        assertThat(suspended.status()).as(suspended.text()).isEqualTo(200);
        JsonNode body = suspended.json();
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("error").path("type").asString()).isEqualTo("PENDING_APPROVAL");
        assertThat(body.path("toolCalls").isInt()).as("the usual fields are all there").isTrue();
        assertThat(body.path("language").asString()).isEqualTo("javascript");
        JsonNode pending = body.path("pending");
        String id = pending.path("id").asString();
        assertThat(id).isNotBlank();
        assertThat(pending.path("tool").asString()).isEqualTo("cancel_order");
        assertThat(pending.path("args").toString()).as("parsed JSON").isEqualTo("{\"orderId\":" + order + "}");
        assertThat(status(order)).as("nothing cancelled yet").isEqualTo("DELIVERED");

        JsonNode listed = listed(id);
        assertThat(listed.path("tool").asString()).isEqualTo("cancel_order");
        assertThat(listed.path("args").path("orderId").asInt()).isEqualTo(order);
        assertThat(listed.path("conversationId").asString()).isEqualTo("support-1");
        assertThat(listed.path("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(listed.path("expiresAt").asString()).isGreaterThan(listed.path("createdAt").asString());

        double ranBefore = successfulCalls("cancel_order");
        Response decided = decide(id, Map.of("approved", true), "alice");

        assertThat(decided.status()).as(decided.text()).isEqualTo(200);
        JsonNode finished = decided.json();
        assertThat(finished.path("success").asBoolean()).as(decided.text()).isTrue();
        assertThat(finished.path("result").asString()).isEqualTo("CANCELLED");
        assertThat(finished.path("stdout").asString()).contains("cancelled " + order + ": CANCELLED");
        assertThat(finished.path("conversationId").asString()).isEqualTo("support-1");
        assertThat(finished.has("pending")).isFalse();
        assertThat(finished.path("toolsCalled").toString()).isEqualTo("[\"cancel_order\",\"order_details\"]");
        assertThat(status(order)).isEqualTo("CANCELLED");
        assertThat(successfulCalls("cancel_order") - ranBefore).as("the tool ran once").isEqualTo(1.0);
        assertThat(pendingIds()).doesNotContain(id);
    }

    @Test
    void aDeniedCancellationIsAToolErrorInTheProgramAndTheOrderStaysAsItWas() {
        int order = deliveredOrder(1);
        Response suspended = execute("""
                try {
                  call_tool('cancel_order', {orderId: %d});
                  return 'cancelled';
                } catch (e) {
                  return {caught: e.name, message: e.message, status: call_tool('order_details', {orderId: %d}).status};
                }
                """.formatted(order, order), null);
        String id = suspended.json().path("pending").path("id").asString();
        assertThat(listed(id).path("conversationId").isNull()).as("it ran in no conversation").isTrue();

        Response decided = decide(id, Map.of("approved", false, "reason", "the customer did not ask",
                "decidedBy", "playground"), null);

        JsonNode finished = decided.json();
        assertThat(finished.path("success").asBoolean()).as(decided.text()).isTrue();
        assertThat(finished.path("result").path("caught").asString()).isEqualTo("ToolError");
        assertThat(finished.path("result").path("message").asString()).contains("the customer did not ask");
        assertThat(finished.path("result").path("status").asString()).isEqualTo("DELIVERED");
        assertThat(status(order)).isEqualTo("DELIVERED");
    }

    @Test
    void aSecondDecisionOfTheSameApprovalIsNotFound() {
        int order = deliveredOrder(2);
        String id = execute("return call_tool('cancel_order', {orderId: %d}).status".formatted(order), null)
                .json().path("pending").path("id").asString();

        Response first = decide(id, Map.of("approved", false), null);
        Response second = decide(id, Map.of("approved", true), null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("error").path("type").asString()).isEqualTo("TOOL_ERROR");
        assertThat(first.json().path("error").path("message").asString()).contains("no reason given");
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.json().path("detail").asString()).isEqualTo("no pending approval " + id
                + ": it was already decided, or never existed, or its store forgot it");
        assertThat(status(order)).as("the late approval changed nothing").isEqualTo("DELIVERED");
        assertThat(decide("no-such-approval", Map.of("approved", true), null).status()).isEqualTo(404);
    }

    @Test
    void aProgramWaitsAgainAtItsNextCallAndAnApprovedCallThatFailsIsTheToolsError() {
        assertThat(api.get("/api/tools").text()).contains("declare function call_tool(name: \"cancel_order\"");
        int cancelled = jdbc.sql("SELECT MIN(id) FROM orders WHERE status = 'CANCELLED'").query(Integer.class).single();
        Response first = execute("""
                const errors = [];
                for (const orderId of [42, %d]) {
                  try { call_tool('cancel_order', {orderId}); } catch (e) { errors.push(`${e.name}: ${e.message}`); }
                }
                return errors;
                """.formatted(cancelled), "two-calls");
        JsonNode firstPending = first.json().path("pending");
        assertThat(firstPending.path("args").path("orderId").asInt()).isEqualTo(42);

        Response second = decide(firstPending.path("id").asString(), Map.of("approved", true), "alice");
        JsonNode secondPending = second.json().path("pending");
        assertThat(second.json().path("error").path("type").asString()).as(second.text()).isEqualTo("PENDING_APPROVAL");
        assertThat(secondPending.path("args").path("orderId").asInt()).as("the loop's next call").isEqualTo(cancelled);
        assertThat(secondPending.path("id").asString()).isNotEqualTo(firstPending.path("id").asString());

        Response done = decide(secondPending.path("id").asString(), Map.of("approved", true), "alice");
        JsonNode errors = done.json().path("result");
        assertThat(done.json().path("success").asBoolean()).as(done.text()).isTrue();
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).asString()).startsWith("ToolError").contains("no order with id 42");
        assertThat(errors.get(1).asString()).startsWith("ToolError").contains("order " + cancelled + " is already CANCELLED");
    }

    @Test
    void aDecisionWithoutApprovedIsABadRequest() {
        Response response = api.postJson("/api/approvals/whatever", Map.of("reason", "?"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asString()).contains("'approved' is required");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** What the counting program returns, run {@code times} times in the conversation (null: in none). */
    private List<Integer> counts(String conversationId, int times) {
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Response response = execute(COUNT, conversationId);
            assertThat(response.json().path("success").asBoolean()).as(response.text()).isTrue();
            counts.add(response.json().path("result").asInt());
        }
        return counts;
    }

    private Response execute(String code, String conversationId) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        if (conversationId != null) {
            body.put("conversationId", conversationId);
        }
        return api.postJson("/api/execute", body);
    }

    private Response decide(String id, Map<String, Object> decision, String user) {
        return user == null ? api.postJson("/api/approvals/" + id, decision)
                : api.postJson("/api/approvals/" + id, decision, Map.of("X-User", user));
    }

    private JsonNode listed(String id) {
        Response response = api.get("/api/approvals");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        for (JsonNode approval : response.json()) {
            if (approval.path("id").asString().equals(id)) {
                return approval;
            }
        }
        throw new AssertionError("approval " + id + " is not listed: " + response.text());
    }

    private List<String> pendingIds() {
        List<String> ids = new ArrayList<>();
        api.get("/api/approvals").json().forEach(a -> ids.add(a.path("id").asString()));
        return ids;
    }

    /** The n-th delivered order (each test cancels its own). */
    private int deliveredOrder(int n) {
        return jdbc.sql("SELECT id FROM orders WHERE status = 'DELIVERED' ORDER BY id LIMIT 1 OFFSET :n")
                .param("n", n).query(Integer.class).single();
    }

    private String status(int order) {
        return jdbc.sql("SELECT status FROM orders WHERE id = :id").param("id", order).query(String.class).single();
    }

    /** How often the tool's call succeeded, from the codeact.tool.call timer, as /actuator/metrics shows it. */
    private double successfulCalls(String tool) {
        Response metric = api.get("/actuator/metrics/codeact.tool.call?tag=tool:" + tool + "&tag=outcome:success");
        if (metric.status() == 404) {
            return 0;   // no such call has succeeded yet
        }
        assertThat(metric.status()).as(metric.text()).isEqualTo(200);
        for (JsonNode measurement : metric.json().path("measurements")) {
            if (measurement.path("statistic").asString().equals("COUNT")) {
                return measurement.path("value").asDouble();
            }
        }
        throw new AssertionError("no COUNT in " + metric.text());
    }
}
