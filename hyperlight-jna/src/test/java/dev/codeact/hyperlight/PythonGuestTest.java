package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import org.junit.jupiter.api.Test;

/**
 * The Python guest (issue 15, work in progress): CPython 3.13 built by {@code make -C src-guest python-guest}, which
 * the default build does not run yet; the test is skipped when the image was not built.
 */
@RequiresKvm
class PythonGuestTest {
    private static final String IMAGE = "/dev/codeact/hyperlight/testguest/python-guest.elf";
    private static final long STACK_BYTES = Long.getLong("python.guest.stack", 8L << 20);
    private static final GuestMemorySizes SIZES = new GuestMemorySizes(GuestMemorySizes.DEFAULT_HEAP_BYTES, STACK_BYTES,
            GuestMemorySizes.DEFAULT_IN_BUFFER_BYTES, GuestMemorySizes.DEFAULT_OUT_BUFFER_BYTES,
            GuestMemorySizes.DEFAULT_LOG_BUFFER_BYTES);

    private static GuestImage image() {
        assumeTrue(PythonGuestTest.class.getResource(IMAGE) != null,
                "python-guest.elf not built (make -C src-guest python-guest)");
        return GuestImage.packaged(IMAGE);
    }

    @Test
    void onePlusOne() {
        GuestImage image = image();
        long started = System.nanoTime();
        try (MicroVm vm = MicroVm.start(image, SIZES)) {
            long booted = System.nanoTime();
            ExecutionResult r = vm.execute("1+1", HostFunctions.none(), ExecutionLimits.defaults());
            long ran = System.nanoTime();
            System.out.printf("python guest: start+boot %.1f ms, 1+1 %.3f ms%n", (booted - started) / 1e6, (ran - booted) / 1e6);

            assertThat(r.success()).as("%s", r.error()).isTrue();
            assertThat(r.resultJson()).isEqualTo("2");
        }
    }
}
