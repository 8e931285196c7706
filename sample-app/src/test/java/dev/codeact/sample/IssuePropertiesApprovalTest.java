package dev.codeact.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.sample.ApiClient.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The sample started with only the starter's properties, as the issue names them (no profile): a session counts, and
 * naming cancel_order in codeact.tools.approval-required is enough for the tool to be offered and to wait for a person.
 */
@RequiresKvm
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.ai.openai.api-key=",
        "spring.ai.openai.base-url=https://api.openai.com/v1",
        "codeact.sessions.enabled=true",
        "codeact.tools.approval-mode=suspend",
        "codeact.tools.approval-required=cancel_order"})
class IssuePropertiesApprovalTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aConversationCountsAndACancellationWaitsForItsApproval() {
        ApiClient api = new ApiClient(port);
        String count = "globalThis.n = (globalThis.n ?? 0) + 1; return n;";
        for (int expected = 1; expected <= 2; expected++) {
            Response r = api.postJson("/api/execute", Map.of("code", count, "conversationId", "c1"));
            assertThat(r.json().path("result").asInt()).as(r.text()).isEqualTo(expected);
        }
        int order = jdbc.sql("SELECT id FROM orders WHERE status = 'DELIVERED' ORDER BY id LIMIT 1")
                .query(Integer.class).single();
        Response suspended = api.postJson("/api/execute", Map.of("code",
                "return call_tool('cancel_order', {orderId: %d}).status".formatted(order), "conversationId", "c1"));
        assertThat(suspended.json().path("error").path("type").asString()).as(suspended.text()).isEqualTo("PENDING_APPROVAL");
        String id = suspended.json().path("pending").path("id").asString();
        assertThat(suspended.json().path("pending").path("tool").asString()).isEqualTo("cancel_order");
        assertThat(status(order)).isEqualTo("DELIVERED");

        Response decided = api.postJson("/api/approvals/" + id, Map.of("approved", true));
        assertThat(decided.json().path("result").asString()).as(decided.text()).isEqualTo("CANCELLED");
        assertThat(status(order)).isEqualTo("CANCELLED");
        assertThat(api.postJson("/api/approvals/" + id, Map.of("approved", true)).status()).isEqualTo(404);
    }

    private String status(int order) {
        return jdbc.sql("SELECT status FROM orders WHERE id = :id").param("id", order).query(String.class).single();
    }
}
