package dev.codeact.spring.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.autoconfigure.CodeActActuatorAutoConfiguration;
import dev.codeact.spring.autoconfigure.CodeActAutoConfiguration;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.execution.ToolCall;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ObservabilityTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static class StockTools {
        @Tool(description = "Stock of a product.")
        int stock(String sku) {
            if (sku.equals("missing")) {
                throw new IllegalStateException("no such product");
            }
            return 7;
        }
    }

    /** A sandbox that answers from a script, for health and endpoint tests. */
    record ScriptedSandbox(ExecutionResult answer) implements CodeSandbox {
        @Override
        public String backend() {
            return "scripted";
        }

        @Override
        public ExecutionResult execute(dev.codeact.spring.sandbox.Language language, String code, HostFunctions functions, ExecutionLimits limits) {
            return answer;
        }

        @Override
        public void close() {
        }
    }

    private static ExecutionResult ok(String json) {
        return new ExecutionResult("", false, "", false, json, null, Duration.ofMillis(2), 0);
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class, CodeActActuatorAutoConfiguration.class))
            .withPropertyValues("codeact.sandbox.pool-size=1", "management.endpoints.web.exposure.include=codeact,health");

    @Test
    void executionsAndToolCallsAreObservedAsTimersWithTheirKeys() {
        MeterRegistry meters = new SimpleMeterRegistry();
        meters.config().meterFilter(CodeActMeters.DESCRIPTIONS); // as the actuator auto-configuration registers it
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(List.of(ToolCallbacks.from(new StockTools()))),
                List.of("*"), List.of(), List.of());
        try (CodeSandbox sandbox = GraalJsCodeSandbox.create()) {
            CodeActExecutor executor = new CodeActExecutor(sandbox, catalog, ExecutionLimits.defaults(), ExecutionListener.NONE, observations);
            executor.execute("call_tool('stock', {sku: 'a'}); call_tool('stock', {sku: 'b'}); try { call_tool('stock', {sku: 'missing'}); } catch (e) {} return 1;");
            executor.execute("throw new Error('boom')");
        }
        assertThat(meters.get("codeact.execution").tags("backend", "graaljs", "outcome", "success", "error", "none").timer().count()).isEqualTo(1);
        assertThat(meters.get("codeact.execution").tags("backend", "graaljs", "outcome", "runtime", "error", "ExecutionFailedException").timer().count()).isEqualTo(1);
        // one error tag, Micrometer's own, and a description on every meter
        assertThat(meters.find("codeact.execution").meters()).allSatisfy(m -> {
            assertThat(m.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey).containsOnlyOnce("error").doesNotContain("error.type");
        });
        assertThat(meters.getMeters()).filteredOn(m -> m.getId().getName().startsWith("codeact."))
                .isNotEmpty().allSatisfy(m -> assertThat(m.getId().getDescription()).as(m.getId().getName()).isNotBlank().endsWith("."));
        assertThat(meters.get("codeact.tool.call").tags("tool", "stock", "outcome", "success").timer().count()).isEqualTo(2);
        assertThat(meters.get("codeact.tool.call").tags("tool", "stock", "outcome", "failure").timer().count()).isEqualTo(1);
    }

    @Test
    void eachToolCallIsRecordedWithItsArgumentsResultOrErrorAndTiming() {
        ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(List.of(ToolCallbacks.from(new StockTools()))),
                List.of("*"), List.of(), List.of());
        List<ExecutionListener.Execution> heard = new ArrayList<>();
        CodeExecution run;
        try (CodeSandbox sandbox = GraalJsCodeSandbox.create()) {
            run = new CodeActExecutor(sandbox, catalog, ExecutionLimits.defaults(), heard::add)
                    .run("const a = call_tool('stock', {sku: 'a'}); try { call_tool('stock', {sku: 'missing'}); } catch (e) {} return a;");
        }
        assertThat(run.calls()).hasSize(2);
        ToolCall ok = run.calls().get(0);
        ToolCall failed = run.calls().get(1);
        assertThat(ok.name()).isEqualTo("stock");
        assertThat(JSON.readTree(ok.arguments())).isEqualTo(JSON.readTree("{\"sku\": \"a\"}"));
        assertThat(ok.result()).isEqualTo("7");
        assertThat(ok.success()).isTrue();
        assertThat(failed.result()).isNull();
        assertThat(failed.error()).contains("no such product");
        assertThat(failed.success()).isFalse();
        // offsets count from the start of the execution; the second call starts after the first has ended
        assertThat(ok.startOffset()).isPositive();
        assertThat(ok.duration()).isPositive();
        assertThat(failed.startOffset()).isGreaterThanOrEqualTo(ok.startOffset().plus(ok.duration()));
        assertThat(heard).singleElement().satisfies(e -> assertThat(e.calls()).isEqualTo(run.calls()));
    }

    @Test
    void statsCountOutcomesErrorTypesToolsAndKeepRecentExecutionsWithoutCode() {
        ExecutionStats stats = new ExecutionStats(2, false);
        for (int i = 1; i <= 4; i++) {
            ExecutionResult r = i == 3 ? new ExecutionResult("", false, "", false, null, ExecutionError.of(ErrorType.TIMEOUT, "slow"),
                    Duration.ofMillis(i * 10), 1) : new ExecutionResult("", false, "", false, "1", null, Duration.ofMillis(i * 10), 1);
            stats.executed(new ExecutionListener.Execution("return " + i, r, Map.of(), List.of("stock", "price"), Instant.EPOCH, "kvm", List.of()));
        }
        assertThat(stats.total()).isEqualTo(4);
        assertThat(stats.byOutcome()).containsExactly(Map.entry("failure", 1L), Map.entry("success", 3L));
        assertThat(stats.byErrorType()).containsExactly(Map.entry("TIMEOUT", 1L));
        assertThat(stats.toolCalls()).containsExactly(Map.entry("price", 4L), Map.entry("stock", 4L));
        assertThat(stats.latency()).isEqualTo(new ExecutionStats.Latency(4, 20.0, 40.0, 40.0, 40.0));
        assertThat(stats.recent()).extracting(ExecutionStats.RecentExecution::durationMs).containsExactly(40.0, 30.0);
        assertThat(stats.recent()).allSatisfy(e -> assertThat(e.code()).isNull());
        ExecutionStats withCode = new ExecutionStats(5, true);
        withCode.executed(new ExecutionListener.Execution("return 1", ok("1"), Map.of(), List.of(), Instant.EPOCH, "kvm", List.of()));
        assertThat(withCode.recent().get(0).code()).isEqualTo("return 1");
    }

    @Test
    void theEndpointReportsBackendExecutionsLatencyToolsAndRecentRuns() {
        runner.withBean(CodeSandbox.class, () -> new ScriptedSandbox(ok("42")))
                .withPropertyValues("codeact.actuator.include-code=true").run(context -> {
                    context.getBean(CodeActExecutor.class).execute("return 6 * 7");
                    JsonNode report = JSON.valueToTree(context.getBean(CodeActEndpoint.class).report());
                    assertThat(report.get("backend").asString()).isEqualTo("scripted");
                    assertThat(report.get("backendReason").asString()).isEqualTo("an application-defined CodeSandbox bean");
                    assertThat(report.get("pool").isNull()).isTrue();
                    assertThat(report.get("vcpuThreading").isNull()).isTrue();
                    assertThat(report.get("executions").get("total").asLong()).isEqualTo(1);
                    assertThat(report.get("executions").get("byOutcome").get("success").asLong()).isEqualTo(1);
                    assertThat(report.get("latencyMs").get("samples").asInt()).isEqualTo(1);
                    assertThat(report.get("latencyMs").get("p50").asDouble()).isEqualTo(2.0);
                    assertThat(report.get("recentExecutions").get(0).get("code").asString()).isEqualTo("return 6 * 7");
                    assertThat(report.get("recentExecutions").get(0).get("outcome").asString()).isEqualTo("success");
                });
    }

    @Test
    @RequiresKvm
    void onKvmTheEndpointShowsWhyAndThePoolAndTheGaugesFollowIt() {
        runner.withPropertyValues("codeact.sandbox.backend=kvm", "codeact.sandbox.pool-size=2")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
                    JsonNode report = JSON.valueToTree(context.getBean(CodeActEndpoint.class).report());
                    assertThat(report.get("backend").asString()).isEqualTo("kvm");
                    assertThat(report.get("backendReason").asString()).startsWith("configured: kvm");
                    assertThat(report.get("pool").get("size").asInt()).isEqualTo(2);
                    assertThat(report.get("vcpuThreading").asString()).startsWith("auto: ").contains("moving a vCPU between threads costs");
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    context.getBean(io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(meters);
                    assertThat(meters.get("codeact.pool.size").gauge().value()).isEqualTo(2.0);
                    assertThat(meters.get("codeact.pool.idle").gauge().value()).isEqualTo(2.0);
                    assertThat(meters.get("codeact.pool.waiting").gauge().value()).isZero();
                });
    }

    @Test
    void theHealthIndicatorIsNamedCodeactAsTheReadmeSays() {
        runner.withBean(CodeSandbox.class, () -> new ScriptedSandbox(ok("42"))).run(context -> {
            // a health indicator bean's name, less "HealthIndicator", is its path: /actuator/health/codeact
            assertThat(context.getBeansOfType(CodeActHealthIndicator.class)).containsOnlyKeys("codeactHealthIndicator");
            assertThat(context.getBean(io.micrometer.core.instrument.config.MeterFilter.class)).isSameAs(CodeActMeters.DESCRIPTIONS);
        });
    }

    @Test
    void healthIsUpWhenTheProbeRuns() {
        runner.withBean(CodeSandbox.class, () -> new ScriptedSandbox(ok("42"))).run(context -> {
            Health health = context.getBean(CodeActHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "scripted").containsKey("probeMs");
        });
    }

    @Test
    void healthIsDownWithTheReasonWhenTheSandboxFails() {
        ExecutionResult crashed = ExecutionResult.failure(ExecutionError.of(ErrorType.KVM_UNAVAILABLE,
                "KVM is not available: /dev/kvm does not exist"), Duration.ZERO);
        runner.withBean(CodeSandbox.class, () -> new ScriptedSandbox(crashed)).run(context -> {
            Health health = context.getBean(CodeActHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("reason", "KVM_UNAVAILABLE: KVM is not available: /dev/kvm does not exist");
        });
    }
}
