package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What codeact.sessions.* and codeact.tools.approval-mode make of the application context. */
class SessionAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
            .withPropertyValues("codeact.sandbox.pool-size=1");

    static class Orders {
        final AtomicInteger cancels = new AtomicInteger();

        @Tool(description = "Cancel an order.")
        String cancel_order(String orderId) {
            cancels.incrementAndGet();
            return "cancelled " + orderId;
        }
    }

    @Test
    void sessionsAndSuspensionAreOffByDefault() {
        runner.withPropertyValues("codeact.sandbox.backend=graaljs").run(context -> {
            assertThat(context).hasNotFailed();
            CodeActProperties.Sessions sessions = context.getBean(CodeActProperties.class).sessions();
            assertThat(sessions.enabled()).isFalse();
            assertThat(sessions.ttl()).isEqualTo(Duration.ofMinutes(30));
            assertThat(sessions.maxBytes().toMegabytes()).isEqualTo(16);
            assertThat(sessions.store()).isEqualTo(CodeActProperties.Sessions.Store.MEMORY);
            assertThat(context.getBean(CodeActProperties.class).tools().approvalExpiry()).isEqualTo(Duration.ofHours(1));
            assertThat(context.getBean(CodeActExecutor.class).sessions().sessions()).isFalse();
            assertThat(context).doesNotHaveBean(CodeActApprovals.class);
        });
    }

    @Test
    void aBackendWithoutSessionsFailsStartUpWithWhatToDo() {
        runner.withPropertyValues("codeact.sandbox.backend=graaljs", "codeact.sessions.enabled=true")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("codeact.sessions.enabled=true")
                        .hasMessageContaining("the graaljs sandbox does not"));
        runner.withPropertyValues("codeact.sandbox.backend=graaljs", "codeact.tools.approval-mode=suspend")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("codeact.tools.approval-mode=suspend"));
    }

    @Test
    void badSessionSettingsFailStartUp() {
        runner.withPropertyValues("codeact.sessions.ttl=0s").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("codeact.sessions.ttl"));
        runner.withPropertyValues("codeact.sessions.max-bytes=1KB").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("codeact.sessions.max-bytes"));
    }

    @Test
    @RequiresKvm
    void sessionsOnTheKvmBackendCarryAConversationsState() {
        runner.withPropertyValues("codeact.sandbox.backend=kvm", "codeact.sessions.enabled=true", "codeact.sessions.ttl=5m",
                "codeact.sessions.max-bytes=8MB").run(context -> {
                    assertThat(context).hasNotFailed();
                    CodeActExecutor executor = context.getBean(CodeActExecutor.class);
                    assertThat(executor.sessions().ttl()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(executor.sessions().maxStateBytes()).isEqualTo(8L << 20);
                    assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
                    String count = "globalThis.n = (globalThis.n ?? 0) + 1; return n;";
                    for (int expected = 1; expected <= 3; expected++) {
                        assertThat(run(executor, count, "conv").result().resultJson()).isEqualTo(String.valueOf(expected));
                    }
                    assertThat(context.getBean(SessionStore.class).stats().sessions()).isEqualTo(1);
                });
    }

    @Test
    @RequiresKvm
    void suspendModeNeedsNoApprovalHandlerAndDecidesThroughCodeActApprovals() {
        Orders orders = new Orders();
        runner.withBean(Orders.class, () -> orders)
                .withPropertyValues("codeact.sandbox.backend=kvm", "codeact.tools.approval-mode=suspend",
                        "codeact.tools.approval-required=cancel_order", "codeact.tools.approval-expiry=5m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CodeActExecutor executor = context.getBean(CodeActExecutor.class);
                    CodeExecution waiting = run(executor, "return await call_tool('cancel_order', {orderId: 'o-1'})", null);
                    assertThat(waiting.result().error().type()).isEqualTo(ErrorType.PENDING_APPROVAL);
                    assertThat(waiting.pending().expiresAt()).isEqualTo(waiting.pending().createdAt().plus(Duration.ofMinutes(5)));
                    CodeActApprovals approvals = context.getBean(CodeActApprovals.class);
                    assertThat(approvals.pending()).extracting(p -> p.id()).containsExactly(waiting.pending().id());
                    CodeExecution done = approvals.decide(waiting.pending().id(), ApprovalDecision.approve(), "ops");
                    assertThat(done.result().resultJson()).isEqualTo("\"cancelled o-1\"");
                    assertThat(orders.cancels).hasValue(1);
                });
    }

    private static CodeExecution run(CodeActExecutor executor, String code, String conversation) {
        return executor.run(Language.JAVASCRIPT, code, executor.catalog().select(List.of()), new ToolContext(Map.of()),
                conversation);
    }
}
