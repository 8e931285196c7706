package dev.codeact.benchmarks;

import com.sun.jna.Memory;
import java.util.Arrays;

/**
 * The floor under resuming a session: writing its pages into native memory, page by page as a VM writes a state's
 * pages over its golden ones, with nothing else (no KVM, no store, no guest). Issue 16's target for a session step is
 * two trivial executions plus this.
 */
final class PageCopy {
    static final int PAGE = 4096;

    private PageCopy() {
    }

    /** p50 nanoseconds of writing {@code bytes} (rounded up to whole pages) from distinct page arrays, over {@code runs}. */
    static long p50Nanos(long bytes, int runs) {
        int count = (int) ((bytes + PAGE - 1) / PAGE);
        byte[][] pages = new byte[count][PAGE];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pages[i], (byte) i);
        }
        try (Memory target = new Memory((long) count * PAGE)) {
            long[] samples = BenchSuite.sample(runs, () -> {
                for (int i = 0; i < count; i++) {
                    target.write((long) i * PAGE, pages[i], 0, PAGE);
                }
            });
            return (long) BenchSuite.percentile(samples, 50);
        }
    }
}
