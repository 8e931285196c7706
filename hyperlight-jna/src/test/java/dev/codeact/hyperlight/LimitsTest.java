package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The micro-VM's own side of the limits, beyond the shared {@link ExecutionContractTest}: the strict deadline,
 * the memory limit (only the VM enforces it), a 100 MiB print, and limits larger than the VM can hold. Each is
 * followed by normal executions on the same pool.
 */
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
    void anInfiniteLoopStopsAtItsDeadline() {
        ExecutionResult r = SharedPool.run("globalThis.leak = 1; while (true) {}", DEFAULTS.withTimeout(Duration.ofMillis(300)));
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.error().message()).contains("300 ms time limit");
        assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300))
                .isLessThan(Duration.ofMillis(300).plus(StopMargin.LOADED_MACHINE));
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
    void limitsAboveWhatTheVmCanHoldAreRejectedUpFront() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SharedPool.run("return 1", DEFAULTS.withMemoryBytes(1L << 30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds what this VM's heap can hold");
    }
}
