package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.execution.ApprovalExpiryScheduler;
import dev.codeact.spring.execution.ApprovalListener;
import dev.codeact.spring.execution.ApprovalRecord;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.session.SessionStore;
import dev.codeact.spring.testing.AdjustableClock;
import dev.codeact.spring.tools.ToolCatalog;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The schedule that denies expired approvals: there only with {@code codeact.tools.approval-mode=suspend}, running
 * from the context's start to its stop, denying a due approval on its own, and surviving a round that fails. Time is
 * moved with an {@link AdjustableClock}; the schedule's rounds are awaited with latches.
 */
class ApprovalExpiryAutoConfigurationTest {
    private static final Duration EXPIRY = Duration.ofSeconds(4); // a round every second
    private static final String REFUND = "return call_tool('refund', {n: 2})";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
            .withPropertyValues("codeact.sandbox.pool-size=1");

    private final ApplicationContextRunner suspending = runner.withUserConfiguration(SuspendingExecutor.class)
            .withPropertyValues("codeact.sandbox.backend=kvm", "codeact.tools.approval-mode=suspend",
                    "codeact.tools.approval-required=refund", "codeact.tools.approval-expiry=" + EXPIRY.toSeconds() + "s");

    static class RefundTools {
        final AtomicInteger calls = new AtomicInteger();

        @Tool(description = "Refunds n units.")
        int refund(int n) {
            calls.incrementAndGet();
            return n;
        }
    }

    /** The auto-configured executor's settings, but on a clock the test moves. */
    @Configuration(proxyBeanMethods = false)
    static class SuspendingExecutor {
        @Bean
        AdjustableClock clock() {
            return new AdjustableClock(Instant.parse("2026-01-01T00:00:00Z"));
        }

        @Bean
        RefundTools refundTools() {
            return new RefundTools();
        }

        @Bean
        CodeActExecutor codeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, SessionStore store, AdjustableClock clock,
                CodeActProperties properties) {
            return new CodeActExecutor(sandbox, catalog, CodeActAutoConfiguration.executionLimits(properties.limits()),
                    ExecutionListener.NONE, ObservationRegistry.NOOP, SandboxServices.defaults(), Language.JAVASCRIPT,
                    new SessionSettings(store, false, Duration.ofMinutes(30), properties.sessions().maxBytes().toBytes(), true,
                            properties.tools().approvalExpiry(), clock));
        }
    }

    @Test
    void thePeriodIsAQuarterOfTheExpiryBetweenOneAndThirtySeconds() {
        assertThat(ApprovalExpiryScheduler.period(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));
        assertThat(ApprovalExpiryScheduler.period(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(15));
        assertThat(ApprovalExpiryScheduler.period(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ApprovalExpiryScheduler.period(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ApprovalExpiryScheduler.period(Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void noScheduleWhenCallsAreAskedAbout() {
        runner.withBean(CodeSandbox.class, CodeActAutoConfigurationTest.FakeSandbox::new).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ApprovalExpiryScheduler.class);
        });
        runner.withBean(CodeSandbox.class, CodeActAutoConfigurationTest.FakeSandbox::new)
                .withPropertyValues("codeact.tools.approval-mode=ask")
                .run(context -> assertThat(context).doesNotHaveBean(ApprovalExpiryScheduler.class));
    }

    @Test
    @RequiresKvm
    void inSuspendModeTheScheduleRunsWithTheContextAndStopsWithIt() {
        ApprovalExpiryScheduler[] seen = new ApprovalExpiryScheduler[1];
        runner.withPropertyValues("codeact.sandbox.backend=kvm", "codeact.tools.approval-mode=suspend").run(context -> {
            assertThat(context).hasNotFailed();
            seen[0] = context.getBean(ApprovalExpiryScheduler.class);
            assertThat(seen[0].isRunning()).isTrue();
            assertThat(seen[0].period()).isEqualTo(Duration.ofSeconds(30)); // the default expiry, 1h
        });
        assertThat(seen[0].isRunning()).isFalse();
    }

    @Test
    @RequiresKvm
    void aDueApprovalIsDeniedWithoutAnyoneDecidingIt() {
        CountDownLatch decided = new CountDownLatch(1);
        List<ApprovalRecord> records = new CopyOnWriteArrayList<>();
        ApprovalListener listener = record -> {
            records.add(record);
            decided.countDown();
        };
        suspending.withBean(ApprovalListener.class, () -> listener).run(context -> {
            assertThat(context).hasNotFailed();
            CodeExecution waiting = suspend(context.getBean(CodeActExecutor.class));
            assertThat(context.getBean(ApprovalExpiryScheduler.class).period()).isEqualTo(Duration.ofSeconds(1));

            context.getBean(AdjustableClock.class).advance(EXPIRY.plusSeconds(1));
            assertThat(decided.await(30, TimeUnit.SECONDS)).as("the schedule denied the expired approval").isTrue();

            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.approval().id()).isEqualTo(waiting.pending().id());
                assertThat(record.outcome()).isEqualTo("expired");
                assertThat(record.approved()).isFalse();
                assertThat(record.decidedBy()).isEqualTo(CodeActApprovals.EXPIRY);
            });
            assertThat(context.getBean(CodeActApprovals.class).pending()).isEmpty();
            assertThat(context.getBean(RefundTools.class).calls).hasValue(0);
        });
    }

    @Test
    @RequiresKvm
    void aFailingListenerLosesNoApprovalAndEndsNothing() {
        AtomicInteger decisions = new AtomicInteger();
        CountDownLatch nextRound = new CountDownLatch(1);
        ApprovalListener failsOnce = record -> {
            if (decisions.getAndIncrement() == 0) {
                throw new IllegalStateException("the audit log is down");
            }
            nextRound.countDown();
        };
        suspending.withBean(ApprovalListener.class, () -> failsOnce).run(context -> {
            CodeActExecutor executor = context.getBean(CodeActExecutor.class);
            suspend(executor);
            suspend(executor);

            context.getBean(AdjustableClock.class).advance(EXPIRY.plusSeconds(1));
            // the listener fails at the first decision; that approval's program still continues, and so does the round
            assertThat(nextRound.await(30, TimeUnit.SECONDS)).as("the other approval was decided").isTrue();
            assertThat(decisions).hasValue(2);
            assertThat(context.getBean(CodeActApprovals.class).pending()).isEmpty();
        });
    }

    /** Runs a program that calls refund, which waits for approval. */
    private static CodeExecution suspend(CodeActExecutor executor) {
        CodeExecution execution = executor.run(Language.JAVASCRIPT, REFUND, executor.catalog().select(List.of()),
                new ToolContext(Map.of()), null);
        assertThat(execution.result().error().type()).isEqualTo(ErrorType.PENDING_APPROVAL);
        assertThat(execution.pending()).isNotNull();
        return execution;
    }
}
