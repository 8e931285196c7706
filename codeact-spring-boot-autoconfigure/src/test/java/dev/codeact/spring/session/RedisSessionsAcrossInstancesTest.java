package dev.codeact.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.actuator.CodeActEndpoint;
import dev.codeact.spring.autoconfigure.CodeActActuatorAutoConfiguration;
import dev.codeact.spring.autoconfigure.CodeActAutoConfiguration;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.UnknownApprovalException;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.testing.RedisTestServer;
import dev.codeact.spring.testing.RequiresRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.core.types.Expiration;

/**
 * Two application instances sharing one Redis (codeact.sessions.store=redis), the way replicas do, with real KVM
 * micro-VMs: each test opens instance 1, closes it, then opens instance 2, as a restart or a failover does. A
 * conversation's globals carry over; a program suspended for approval on instance 1 is approved, denied or expires
 * on instance 2, and its tool runs exactly once when approved; a state of another guest image is refused, never run.
 */
@RequiresKvm
@RequiresRedis
class RedisSessionsAcrossInstancesTest {
    private static final String COUNT = "globalThis.count = (globalThis.count ?? 0) + 1; return count;";
    private static final String REFUND = """
            globalThis.before = 'kept';
            try {
              const refund = call_tool('refund', {orderId: 'A-1'});
              return [before, refund.status];
            } catch (e) {
              return [before, e.name + ': ' + e.message];
            }""";
    private static RedisTestServer redis;

    /** The application's tool; one object for both instances, so that its calls are counted across them. */
    public static final class RefundTools {
        final AtomicInteger calls = new AtomicInteger();

        @Tool(description = "Refunds an order.")
        public Map<String, String> refund(String orderId) {
            calls.incrementAndGet();
            return Map.of("orderId", orderId, "status", "REFUNDED");
        }
    }

    private final RefundTools tools = new RefundTools();
    private ApplicationContextRunner instance;

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

    @BeforeEach
    void application() {
        instance = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CodeActAutoConfiguration.class,
                        CodeActActuatorAutoConfiguration.class))
                .withBean(RefundTools.class, () -> tools)
                .withPropertyValues(redis.springProperties())
                .withPropertyValues("codeact.sandbox.backend=kvm", "codeact.sandbox.pool-size=1",
                        "codeact.sessions.enabled=true", "codeact.sessions.store=redis",
                        "codeact.sessions.redis.key-prefix=test-" + UUID.randomUUID() + ":",
                        "codeact.tools.approval-mode=suspend", "codeact.tools.approval-required=refund",
                        "management.endpoints.web.exposure.include=codeact");
    }

    private static CodeExecution run(AssertableApplicationContext context, String conversation, String code) {
        CodeActExecutor executor = context.getBean(CodeActExecutor.class);
        return executor.run(Language.JAVASCRIPT, code, executor.catalog().select(List.of()),
                new ToolContext(Map.of("user", "alice")), conversation);
    }

    private static String result(CodeExecution execution) {
        assertThat(execution.result().error()).as("the execution's error").isNull();
        return execution.result().resultJson();
    }

    @Test
    void aConversationCountsOnAcrossARestart() {
        instance.run(first -> {
            assertThat(first).hasNotFailed();
            assertThat(first.getBean(SessionStore.class).kind()).isEqualTo("redis");
            assertThat(result(run(first, "c1", COUNT))).isEqualTo("1");
            assertThat(result(run(first, "c1", COUNT))).isEqualTo("2");
            assertThat(result(run(first, "c2", COUNT))).isEqualTo("1");
            assertThat(result(run(first, null, COUNT))).isEqualTo("1");
        });
        instance.run(second -> {
            assertThat(result(run(second, "c1", COUNT))).isEqualTo("3");
            assertThat(result(run(second, "c2", COUNT))).isEqualTo("2");
            assertThat(result(run(second, null, "return typeof count"))).isEqualTo("\"undefined\"");
        });
    }

    @Test
    void aProgramSuspendedOnOneInstanceIsApprovedOnAnotherAndItsToolRunsOnce() {
        String id = suspendOnFirstInstance("c1");
        instance.run(second -> {
            CodeActApprovals approvals = second.getBean(CodeActApprovals.class);
            assertThat(approvals.pending()).extracting(PendingApproval::id).containsExactly(id);
            PendingApproval approval = approvals.find(id).orElseThrow();
            assertThat(approval.tool()).isEqualTo("refund");
            assertThat(approval.argumentsJson()).isEqualTo("{\"orderId\":\"A-1\"}");
            assertThat(approval.toolContext()).containsEntry("user", "alice");

            CodeExecution resumed = approvals.decide(id, ApprovalDecision.approve(), "bob");
            assertThat(result(resumed)).isEqualTo("[\"kept\",\"REFUNDED\"]");
            assertThat(tools.calls).hasValue(1);
            assertThatThrownBy(() -> approvals.decide(id, ApprovalDecision.approve(), "bob"))
                    .isInstanceOf(UnknownApprovalException.class);
            assertThat(approvals.pending()).isEmpty();
            // the conversation's session went on from the resumed program
            assertThat(result(run(second, "c1", "return before"))).isEqualTo("\"kept\"");
        });
        assertThat(tools.calls).hasValue(1);
    }

    @Test
    void aProgramSuspendedOnOneInstanceIsDeniedOnAnother() {
        String id = suspendOnFirstInstance("c1");
        instance.run(second -> {
            CodeExecution resumed = second.getBean(CodeActApprovals.class).decide(id, ApprovalDecision.deny("not today"), "bob");
            assertThat(result(resumed)).startsWith("[\"kept\",\"ToolError: ").contains("not today");
        });
        assertThat(tools.calls).hasValue(0);
    }

    @Test
    void anApprovalDecidedAfterItsExpiryIsDenied() {
        instance = instance.withPropertyValues("codeact.tools.approval-expiry=300ms");
        String id = suspendOnFirstInstance("c1");
        instance.run(second -> {
            CodeActApprovals approvals = second.getBean(CodeActApprovals.class);
            Instant expiresAt = approvals.find(id).orElseThrow().expiresAt();
            awaitTime(expiresAt);
            CodeExecution resumed = approvals.decide(id, ApprovalDecision.approve(), "bob");
            assertThat(result(resumed)).startsWith("[\"kept\",\"ToolError: ").contains("expired");
        });
        assertThat(tools.calls).hasValue(0);
    }

    @Test
    void aStateOfAnotherGuestImageIsRefusedNeverRun() {
        AtomicReference<String> prefix = new AtomicReference<>();
        instance.run(first -> {
            assertThat(result(run(first, "c1", COUNT))).isEqualTo("1");
            prefix.set(first.getEnvironment().getProperty("codeact.sessions.redis.key-prefix"));
            // the state as another image would have left it: the image key the codec carries, changed
            byte[] key = (prefix.get() + "session:javascript:c1").getBytes(StandardCharsets.UTF_8);
            try (var connection = first.getBean(RedisConnectionFactory.class).getConnection()) {
                byte[] state = connection.stringCommands().get(key);
                int imageKeyStart = 12; // magic, version, the key's length
                state[imageKeyStart] = (byte) (state[imageKeyStart] == '0' ? '1' : '0');
                connection.stringCommands().set(key, state, Expiration.from(Duration.ofMinutes(5)),
                        RedisStringCommands.SetOption.upsert());
            }
        });
        instance.run(second -> {
            CodeExecution refused = run(second, "c1", COUNT);
            assertThat(refused.result().error().type()).isEqualTo(ErrorType.SESSION_REFUSED);
            assertThat(refused.result().error().message()).contains("OTHER_IMAGE");
            assertThat(second.getBean(SessionStore.class).load(new SessionKey("c1", Language.JAVASCRIPT), 1 << 30)).isEmpty();
            assertThat(result(run(second, "c1", COUNT))).isEqualTo("1");
        });
    }

    @Test
    void theActuatorShowsTheStoresCountsAndSizes() {
        String id = suspendOnFirstInstance("c1");
        instance.run(second -> {
            assertThat(result(run(second, "c2", COUNT))).isEqualTo("1");
            CodeActEndpoint.Sessions sessions = second.getBean(CodeActEndpoint.class).report().sessions();
            assertThat(sessions.store()).isEqualTo("redis");
            assertThat(sessions.count()).isEqualTo(1);
            assertThat(sessions.bytes()).isPositive();
            assertThat(sessions.pendingApprovals()).isEqualTo(1);
            // counted by STRLEN, without loading the state: its pages and registers, and the codec's page numbers
            long stateBytes = second.getBean(CodeActApprovals.class).find(id).orElseThrow().stateBytes();
            assertThat(sessions.pendingBytes()).isBetween(stateBytes, stateBytes + stateBytes / 100 + 4096);
            assertThat(sessions.error()).isNull();
        });
    }

    /** Runs the refund program in instance 1, which suspends it; returns its approval's id once instance 1 closed. */
    private String suspendOnFirstInstance(String conversation) {
        AtomicReference<String> id = new AtomicReference<>();
        instance.run(first -> {
            CodeExecution suspended = run(first, conversation, REFUND);
            assertThat(suspended.result().error().type()).isEqualTo(ErrorType.PENDING_APPROVAL);
            assertThat(suspended.pending()).isNotNull();
            id.set(suspended.pending().id());
        });
        assertThat(tools.calls).hasValue(0);
        return id.get();
    }

    /** Waits, polling the clock within a deadline, until {@code instant} has passed. */
    private static void awaitTime(Instant instant) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Instant.now().isAfter(instant)) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
