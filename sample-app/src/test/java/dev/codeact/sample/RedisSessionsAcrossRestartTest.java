package dev.codeact.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.sample.ApiClient.Response;
import dev.codeact.spring.testing.RedisTestServer;
import dev.codeact.spring.testing.RequiresRedis;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The sample with {@code --spring.profiles.active=sessions,redis} against a real redis-server, restarted: a
 * conversation counts on where the stopped instance left it, and a cancellation suspended before the restart is
 * approved after it, on the new instance, and runs there once.
 */
@RequiresKvm
@RequiresRedis
class RedisSessionsAcrossRestartTest {
    private static final String COUNT = SessionsAndApprovalsApiTest.COUNT;
    private static RedisTestServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisTestServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(SampleApplication.class).profiles("sessions", "redis").run(
                "--server.port=0", "--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
                "--spring.ai.openai.api-key=", "--spring.ai.openai.base-url=https://api.openai.com/v1",
                "--codeact.sandbox.pool-size=1");
    }

    private static ApiClient api(ConfigurableApplicationContext app) {
        return new ApiClient(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    }

    private static JsonNode execute(ApiClient api, String code, String conversationId) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("conversationId", conversationId);
        Response response = api.postJson("/api/execute", body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    @Test
    void countsGoOnAndACancellationIsApprovedAfterARestart() {
        int order;
        String approval;
        try (ConfigurableApplicationContext first = start()) {
            ApiClient api = api(first);
            assertThat(execute(api, COUNT, "counting").path("result").asInt()).isEqualTo(1);
            assertThat(execute(api, COUNT, "counting").path("result").asInt()).isEqualTo(2);
            order = first.getBean(JdbcClient.class).sql("SELECT MIN(id) FROM orders WHERE status = 'DELIVERED'")
                    .query(Integer.class).single();
            JsonNode suspended = execute(api, "return call_tool('cancel_order', {orderId: %d}).status".formatted(order),
                    "support");
            assertThat(suspended.path("error").path("type").asString()).isEqualTo("PENDING_APPROVAL");
            approval = suspended.path("pending").path("id").asString();
        }
        try (ConfigurableApplicationContext second = start()) {
            ApiClient api = api(second);
            assertThat(execute(api, COUNT, "counting").path("result").asInt()).as("after the restart").isEqualTo(3);
            assertThat(api.get("/api/approvals").json().get(0).path("id").asString()).isEqualTo(approval);

            Response decided = api.postJson("/api/approvals/" + approval, Map.of("approved", true), Map.of("X-User", "alice"));
            assertThat(decided.json().path("result").asString()).as(decided.text()).isEqualTo("CANCELLED");
            assertThat(second.getBean(JdbcClient.class).sql("SELECT status FROM orders WHERE id = :id").param("id", order)
                    .query(String.class).single()).isEqualTo("CANCELLED");
            assertThat(api.postJson("/api/approvals/" + approval, Map.of("approved", true)).status()).as("decided once")
                    .isEqualTo(404);
            JsonNode sessions = api.get("/actuator/codeact").json().path("sessions");
            assertThat(sessions.path("store").asString()).isEqualTo("redis");
            assertThat(sessions.path("count").asInt()).as("counting and support").isEqualTo(2);
            assertThat(sessions.path("pendingApprovals").asInt()).isZero();
        }
    }
}
