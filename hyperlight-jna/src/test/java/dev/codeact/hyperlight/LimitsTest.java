package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every limit stops the program with its own error type, and the pool keeps working afterwards. */
@RequiresKvm
class LimitsTest {
    private static final ExecutionLimits DEFAULTS = ExecutionLimits.defaults();

    @AfterEach
    void theNextExecutionOnThePoolWorks() {
        for (int i = 0; i < 3; i++) {
            ExecutionResult r = SharedPool.run("return [1 + 1, typeof globalThis.leak];");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[2,\"undefined\"]");
        }
    }

    @Test
    void anInfiniteLoopStopsWithin100MsOfItsDeadline() {
        ExecutionResult r = SharedPool.run("globalThis.leak = 1; while (true) {}", DEFAULTS.withTimeout(Duration.ofMillis(300)));
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.error().message()).contains("300 ms time limit");
        assertThat(r.duration()).isLessThan(Duration.ofMillis(300 + 100));
    }

    @Test
    void aLoopThatCatchesEverythingIsStillStopped() {
        ExecutionResult r = SharedPool.run("""
                for (;;) { try { while (true) {} } catch (e) { } finally { continue; } }""", DEFAULTS.withTimeout(Duration.ofMillis(200)));
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.duration()).isLessThan(Duration.ofMillis(200 + 100));
    }

    @Test
    void cpuTimeLimitStopsASpinningProgram() {
        ExecutionResult r = SharedPool.run("while (true) {}",
                DEFAULTS.withTimeout(Duration.ofSeconds(10)).withCpuTime(Duration.ofMillis(200)));
        assertThat(r.error().type()).isEqualTo(ErrorType.CPU_LIMIT);
        assertThat(r.error().message()).contains("200 ms CPU-time limit");
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void timeSpentInToolsDoesNotCountAsGuestCpu() {
        HostFunctions slow = HostFunctions.builder().register("slow", args -> {
            long until = System.nanoTime() + 150_000_000L;
            long spin = 0;
            while (System.nanoTime() < until) {
                spin++;
            }
            return String.valueOf(spin > 0);
        }).build();
        ExecutionResult r = SharedPool.get().execute("return [call_tool('slow'), call_tool('slow')];", slow,
                DEFAULTS.withCpuTime(Duration.ofMillis(100)));
        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("[true,true]");
    }

    @Test
    void aMemoryBombIsOutOfMemory() {
        ExecutionResult r = SharedPool.run("""
                globalThis.leak = 1;
                const hoard = []; while (true) hoard.push(new Array(100000).fill(Math.random()));""",
                DEFAULTS.withMemoryBytes(16L << 20));
        assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        assertThat(r.error().message()).contains("out of memory");
    }

    @Test
    void aHugeStringIsOutOfMemory() {
        ExecutionResult r = SharedPool.run("let s = 'x'; for (;;) s = s.repeat(2);", DEFAULTS.withMemoryBytes(32L << 20));
        assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
    }

    @Test
    void unboundedRecursionIsAStackOverflow() {
        ExecutionResult r = SharedPool.run("function down(n) { return down(n + 1) + 1; } return down(0);");
        assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
        assertThat(r.error().message()).contains("stack overflow");
    }

    @Test
    void deeplyNestedJsonIsAStackOverflowNotACrash() {
        ExecutionResult r = SharedPool.run("return JSON.parse('['.repeat(1e6) + ']'.repeat(1e6)).length;");
        assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
    }

    @Test
    void printing100MiBStopsAtTheOutputCapWithTruncatedOutput() {
        ExecutionResult r = SharedPool.run("""
                const chunk = 'x'.repeat(1 << 20);
                for (let i = 0; i < 100; i++) console.log(chunk);""");
        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.stdout()).hasSize(ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theOutputCapIsPerStreamAndConfigurable() {
        ExecutionResult r = SharedPool.run("console.error('e'.repeat(100)); console.log('fine');",
                DEFAULTS.withOutputBytesPerStream(10));
        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.stderr()).isEqualTo("e".repeat(10));
        assertThat(r.stderrTruncated()).isTrue();
        assertThat(r.stdoutTruncated()).isFalse();
    }

    @Test
    void oversizedToolArgumentsAreACatchableError() {
        ExecutionResult r = SharedPool.run("""
                try { call_tool('echo', { blob: 'x'.repeat(2 << 20) }); return 'sent'; }
                catch (e) { return [e.name, e.message]; }""");
        assertThat(r.resultJson()).contains("ToolError").contains("tool arguments too large").contains("the limit is 1048576 bytes");
    }

    @Test
    void oversizedToolArgumentsLeftUncaughtAreToolError() {
        ExecutionResult r = SharedPool.run("call_tool('echo', { blob: 'x'.repeat(200) });",
                DEFAULTS.withToolSizes(100, 100));
        assertThat(r.error().type()).isEqualTo(ErrorType.TOOL_ERROR);
        assertThat(r.error().message()).contains("the limit is 100 bytes");
    }

    @Test
    void anOversizedResultIsAnOutputLimit() {
        ExecutionResult r = SharedPool.run("return 'x'.repeat(3 << 20);");
        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.error().message()).contains("the result is");
    }

    @Test
    void limitsAboveWhatTheVmCanHoldAreRejectedUpFront() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SharedPool.run("return 1", DEFAULTS.withMemoryBytes(1L << 30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds what this VM's heap can hold");
    }
}
