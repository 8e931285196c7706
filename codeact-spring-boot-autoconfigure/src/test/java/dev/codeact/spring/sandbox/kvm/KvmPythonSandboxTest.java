package dev.codeact.spring.sandbox.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SandboxException;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.actuator.CodeActEndpoint;
import dev.codeact.spring.actuator.CodeActHealthIndicator;
import dev.codeact.spring.actuator.ExecutionStats;
import dev.codeact.spring.actuator.PoolMetrics;
import dev.codeact.spring.sandbox.Language;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KVM backend runs Python on the CPython guest beside JavaScript on QuickJS: the configured language's pool boots
 * with the sandbox, Python's on the first Python program (once, however many ask at once), and both close with it.
 */
@RequiresKvm
class KvmPythonSandboxTest {
    private static final HostFunctions TOOLS = HostFunctions.builder()
            .register("add", args -> {
                var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(args);
                return String.valueOf(json.get("a").asLong() + json.get("b").asLong());
            })
            .register("fail", args -> {
                throw new HostFunctionException("no such customer");
            })
            .build();

    private static final List<GuestImage> booted = new ArrayList<>();
    private static KvmCodeSandbox sandbox;

    /** Boots pools of one VM each, recording which guest images it booted. */
    private static Function<GuestImage, SandboxPool> recordingBoot(List<GuestImage> images) {
        return image -> {
            synchronized (images) {
                images.add(image);
            }
            return SandboxPool.create(1, image, GuestMemorySizes.defaults(), Duration.ofSeconds(10));
        };
    }

    @BeforeAll
    static void start() {
        sandbox = new KvmCodeSandbox(Language.JAVASCRIPT, recordingBoot(booted));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static ExecutionResult python(String program) {
        return sandbox.execute(Language.PYTHON, program, TOOLS, ExecutionLimits.defaults());
    }

    @Test
    void pythonProgramsCallToolsPrintAndEndWithAResult() {
        ExecutionResult r = python("""
                import statistics
                total = call_tool("add", {"a": 2, "b": 3}) + call_tool("add", a=10, b=20)
                print("total", total)
                {"total": total, "mean": statistics.mean([1, 2, 3])}
                """);

        assertThat(r.success()).as("%s", r.error()).isTrue();
        assertThat(r.stdout()).isEqualTo("total 35\n");
        assertThat(r.resultJson()).isEqualTo("{\"total\":35,\"mean\":2}");
        assertThat(r.hostCalls()).isEqualTo(2);
        assertThat(sandbox.execute("return call_tool('add', {a: 1, b: 1})", TOOLS, ExecutionLimits.defaults()).resultJson())
                .isEqualTo("2");
    }

    @Test
    void aFailingToolRaisesToolErrorThatProgramsCatchOrThatEndsTheRun() {
        ExecutionResult caught = python("""
                try:
                    call_tool("fail", id=1)
                except ToolError as e:
                    message = str(e)
                message
                """);
        assertThat(caught.success()).as("%s", caught.error()).isTrue();
        assertThat(caught.resultJson()).contains("no such customer");

        ExecutionResult uncaught = python("await call_tool('fail', id=1)");
        assertThat(uncaught.success()).isFalse();
        assertThat(uncaught.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        assertThat(uncaught.error().message()).contains("no such customer");
    }

    @Test
    void aSyntaxErrorIsSyntax() {
        ExecutionResult r = python("def f(:\n  pass");
        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
    }

    @Test
    void bothLanguagesAreOfferedAndTheirPoolsTagTheirGauges() {
        assertThat(sandbox.languages()).containsExactlyInAnyOrder(Language.JAVASCRIPT, Language.PYTHON);
        assertThat(sandbox.pool()).isSameAs(sandbox.pools().get(Language.JAVASCRIPT));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PoolMetrics(sandbox).bindTo(registry);
        assertThat(python("1 + 1").resultJson()).isEqualTo("2");

        assertThat(registry.get("codeact.pool.size").tag("language", "javascript").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("codeact.pool.size").tag("language", "python").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("codeact.pool.idle").tag("language", "python").tag("backend", "kvm").gauge().value())
                .isEqualTo(1.0);
        assertThat(new CodeActEndpoint(sandbox, "test", new ExecutionStats(1, false)).report().pools())
                .containsOnlyKeys("javascript", "python");
    }

    @Test
    void theHealthProbeRunsInTheConfiguredLanguage() {
        var health = new CodeActHealthIndicator(sandbox, Language.PYTHON).health();
        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "kvm");
    }

    /** The JavaScript pool boots with the sandbox; Python's once, on its first programs, however many ask at once. */
    @Test
    void thePythonPoolBootsOnceOnFirstUseAndClosesWithTheSandbox() throws Exception {
        List<GuestImage> images = new ArrayList<>();
        KvmCodeSandbox own = new KvmCodeSandbox(Language.JAVASCRIPT, recordingBoot(images));
        assertThat(images).containsExactly(GuestImage.quickJs());
        assertThat(own.pools()).containsOnlyKeys(Language.JAVASCRIPT);
        int callers = 4;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger succeeded = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                runs.add(pool.submit(() -> {
                    go.await();
                    if (own.execute(Language.PYTHON, "6 * 7", HostFunctions.none(), ExecutionLimits.defaults())
                            .resultJson().equals("42")) {
                        succeeded.incrementAndGet();
                    }
                    return null;
                }));
            }
            long started = System.nanoTime();
            go.countDown();
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
            System.out.printf("kvm sandbox: %d first Python programs at once, the Python pool (1 VM) booted on demand:"
                    + " all done in %.1f ms%n", callers, (System.nanoTime() - started) / 1e6);
        } finally {
            pool.shutdownNow();
        }
        assertThat(succeeded).hasValue(callers);
        assertThat(images).containsExactly(GuestImage.quickJs(), GuestImage.python());
        SandboxPool python = own.pools().get(Language.PYTHON);

        own.close();

        assertThat(own.pools()).isEmpty();
        assertThatThrownBy(() -> python.execute("1", HostFunctions.none(), ExecutionLimits.defaults()))
                .isInstanceOf(SandboxException.class).hasMessageContaining("the sandbox pool is closed");
        assertThatThrownBy(() -> own.execute(Language.PYTHON, "1", HostFunctions.none(), ExecutionLimits.defaults()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSandboxOverOneGivenPoolRunsJavaScriptOnly() {
        try (KvmCodeSandbox javascriptOnly = new KvmCodeSandbox(
                SandboxPool.create(1, GuestMemorySizes.defaults(), Duration.ofSeconds(10)))) {
            assertThat(javascriptOnly.languages()).containsExactly(Language.JAVASCRIPT);
            assertThatThrownBy(() -> javascriptOnly.execute(Language.PYTHON, "1", HostFunctions.none(),
                    ExecutionLimits.defaults())).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("does not run python");
        }
    }
}
