package dev.codeact.spring.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the Node parity programs cannot show: timers sleep on the host (wall time, no CPU time) within the deadline,
 * nothing a program scheduled outlives its execution, and crypto's randomness is fresh for every execution. Each
 * test runs on both backends.
 */
class WebPlatformTest {
    static Stream<String> backends() {
        return Stream.of("kvm", "graaljs");
    }

    private static CodeSandbox sandbox(String backend) {
        if (backend.equals("kvm")) {
            KvmAvailability kvm = KvmAvailability.probe();
            if (!kvm.usable()) {
                if ("true".equals(System.getenv("CI")) && Files.exists(Path.of(KvmAvailability.DEVICE))) {
                    throw new IllegalStateException("CI=true and " + KvmAvailability.DEVICE + " exists, but: " + kvm.reason());
                }
                Assumptions.abort(kvm.reason());
            }
            return TestSandboxes.kvm();
        }
        return TestSandboxes.graalJs();
    }

    private static ExecutionResult run(String backend, String code, ExecutionLimits limits) {
        return sandbox(backend).execute(code, HostFunctions.none(), limits);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void awaitingATimerCostsWallTimeNotCpuTime(String backend) {
        // 500 ms asleep under a 100 ms CPU limit: a sleep that spun would end as CPU_LIMIT
        ExecutionLimits limits = ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(2)).withCpuTime(Duration.ofMillis(100));
        ExecutionResult r = run(backend, """
                const started = performance.now();
                await new Promise((resolve) => setTimeout(resolve, 500));
                return performance.now() - started;""", limits);
        assertThat(r.error()).as("%s", r.error()).isNull();
        assertThat(Double.parseDouble(r.resultJson())).isBetween(499.0, 1500.0);
        assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aTimerPastTheDeadlineEndsAsTimeoutOnTime(String backend) {
        ExecutionLimits limits = ExecutionLimits.defaults().withTimeout(Duration.ofMillis(300));
        ExecutionResult r = run(backend, "await new Promise((resolve) => setTimeout(resolve, 60000)); return 'woke';", limits);
        assertThat(r.error()).isNotNull();
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.duration()).isLessThan(Duration.ofMillis(300 + 1000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aClearedIntervalStopsAndAnUncaughtTimerErrorEndsTheProgram(String backend) {
        ExecutionLimits limits = ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(5));
        ExecutionResult cleared = run(backend, """
                let ticks = 0;
                const id = setInterval(() => { ticks++; if (ticks === 3) clearInterval(id); }, 2);
                await new Promise((resolve) => setTimeout(resolve, 60));
                return ticks;""", limits);
        assertThat(cleared.resultJson()).isEqualTo("3");
        ExecutionResult thrown = run(backend, """
                setTimeout(() => { throw new RangeError('from a timer'); }, 1);
                await new Promise(() => {});""", limits);
        assertThat(thrown.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(thrown.error().message()).isEqualTo("RangeError: from a timer");
        ExecutionResult nothingLeft = run(backend, "setTimeout(() => {}, 10).unref(); await new Promise(() => {});", limits);
        assertThat(nothingLeft.error().message()).contains("never settled");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void pendingTimersDoNotOutliveTheirExecution(String backend) {
        ExecutionLimits limits = ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(5));
        ExecutionResult first = run(backend, """
                globalThis.leftover = 'x';
                setTimeout(() => console.log('late'), 20);
                setInterval(() => console.log('again'), 5);
                return 'returned at once';""", limits);
        assertThat(first.resultJson()).isEqualTo("\"returned at once\"");
        assertThat(first.stdout()).isEmpty();
        ExecutionResult next = run(backend, """
                await new Promise((resolve) => setTimeout(resolve, 60));
                return typeof leftover;""", limits);
        assertThat(next.stdout()).isEmpty();
        assertThat(next.resultJson()).isEqualTo("\"undefined\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void randomnessIsFreshForEveryExecution(String backend) {
        String program = "return [crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(16))).join(',')];";
        ExecutionResult a = run(backend, program, ExecutionLimits.defaults());
        ExecutionResult b = run(backend, program, ExecutionLimits.defaults());
        assertThat(a.resultJson()).isNotEqualTo(b.resultJson());
        assertThat(a.resultJson()).doesNotContain("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
        ExecutionResult quota = run(backend, """
                try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { return [e.name, e.code, e instanceof DOMException]; }""",
                ExecutionLimits.defaults());
        assertThat(quota.resultJson()).isEqualTo("[\"QuotaExceededError\",22,true]");
    }
}
