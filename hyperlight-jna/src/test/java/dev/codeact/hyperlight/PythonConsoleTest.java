package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python guest's print and sys.stderr go through the host's console capture, under the same per-stream cap and
 * with the same OUTPUT_LIMIT as JavaScript's console (ExecutionContractTest's output cases).
 */
@RequiresKvm
class PythonConsoleTest {
    private static final ExecutionLimits DEFAULTS = ExecutionLimits.defaults();
    private static MicroVm vm;

    @BeforeAll
    static void start() {
        vm = MicroVm.start(GuestImage.python(), GuestMemorySizes.defaults());
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    private static ExecutionResult run(String program, ExecutionLimits limits) {
        return vm.execute(program, HostFunctions.none(), limits);
    }

    @Test
    void printing100MiBStopsAtTheOutputCapWithTruncatedOutput() {
        ExecutionResult r = run("chunk = 'x' * (1 << 20)\nfor i in range(100):\n    print(chunk)", DEFAULTS);
        assertThat(r.error()).isNotNull();
        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.error().message())
                .isEqualTo("the program printed more than 1048576 bytes to one console stream; output was truncated");
        assertThat(r.stdout()).hasSize(ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theOutputCapIsPerStreamAndConfigurable() {
        ExecutionResult r = run("import sys\nprint('e' * 100, file=sys.stderr)\nprint('fine')",
                DEFAULTS.withOutputBytesPerStream(10));
        assertThat(r.error()).isNotNull();
        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.stderr()).isEqualTo("e".repeat(10));
        assertThat(r.stderrTruncated()).isTrue();
        assertThat(r.stdoutTruncated()).isFalse();
    }

    @Test
    void anOutputCapHitByAProgramThatCatchesEverythingStillStopsIt() {
        ExecutionResult r = run("while True:\n    try:\n        print('spam')\n    except BaseException:\n        pass",
                DEFAULTS.withOutputBytesPerStream(1000).withTimeout(Duration.ofSeconds(10)));
        assertThat(r.error()).isNotNull();
        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
    }
}
