package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What carrying a session costs: a trivial program run in sessions holding 100 KiB, 1 MiB and 10 MiB of state, against
 * the same program outside any session, on one VM restored between runs (as a pool restores it on release). Printed as
 * a table; the assertions are only that each state holds what its program made.
 */
@RequiresKvm
class SessionResumeCostTest {
    private static final int RUNS = 25;
    /**
     * Executions of each kind before anything is timed. With 200, as at first, the trivial execution still took ~120 us
     * when this test ran alone and ~60 us after other test classes had run in the same JVM: the JIT had not finished
     * with the execution path. 2000 gives the figure of a JVM that has been serving for a while.
     */
    private static final int WARM_UP = 2000;
    private static final ExecutionLimits LIMITS = ExecutionLimits.defaults();

    @Test
    void resumeCostGrowsWithTheState() {
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
            // warm up both paths, so that the JIT has compiled the session code before it is timed
            SessionState warm = vm.newSession();
            for (int i = 0; i < WARM_UP; i++) {
                vm.execute("return 1", HostFunctions.none(), LIMITS);
                warm = vm.executeInSession(warm, "globalThis.n = (globalThis.n ?? 0) + 1; globalThis.a = new Uint8Array(65536).fill(n)",
                        HostFunctions.none(), LIMITS, 64L << 20).state();
            }
            System.gc(); // the warm-up's garbage, collected before anything is timed
            long[] plain = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                vm.restore();
                long started = System.nanoTime();
                ExecutionResult r = vm.execute("return 1", HostFunctions.none(), LIMITS);
                plain[i] = System.nanoTime() - started;
                assertThat(r.resultJson()).isEqualTo("1");
            }
            String afterSessions = plainAfterSessionSteps(vm);
            StringBuilder table = new StringBuilder(
                    "\nsession state    p50 step      p50 trivial   ratio   p50 copy of pages  target (2x trivial + copy)"
                    + "  p50 restore after (off the caller's path)\n");
            for (int kib : new int[] {100, 1024, 10 * 1024}) {
                SessionState state = vm.executeInSession(vm.newSession(), "globalThis.blob = new Uint8Array(" + kib * 1024
                        + ").fill(1); return blob.length", HostFunctions.none(), LIMITS, 64L << 20).state();
                assertThat(state.sizeBytes()).isGreaterThanOrEqualTo(kib * 1024L);
                long[] step = new long[RUNS];
                long[] restore = new long[RUNS];
                for (int i = 0; i < RUNS; i++) {
                    long restoring = System.nanoTime();
                    vm.restore();
                    restore[i] = System.nanoTime() - restoring;
                    long started = System.nanoTime();
                    SessionStep s = vm.executeInSession(state, "return 1", HostFunctions.none(), LIMITS, 64L << 20);
                    step[i] = System.nanoTime() - started;
                    assertThat(s.result().resultJson()).isEqualTo("1");
                    assertThat(s.state().sizeBytes()).isGreaterThanOrEqualTo(kib * 1024L);
                }
                long copy = medianCopyNanos(state);
                long target = 2 * median(plain) + copy;
                table.append(String.format("%8d KiB  %10.1f us  %10.1f us  %6.1fx  %12.1f us  %12.1f us %s  %10.1f us%n",
                        state.sizeBytes() / 1024, median(step) / 1e3, median(plain) / 1e3, (double) median(step) / median(plain),
                        copy / 1e3, target / 1e3, median(step) <= target ? "met" : "MISSED",
                        median(Arrays.copyOfRange(restore, 1, RUNS)) / 1e3));
            }
            System.out.println(machine() + table + afterSessions);
        }
        // The states made here are tens of megabytes of garbage now: collected here, not in a pause that would land in
        // the timing of whatever test runs next in this JVM.
        System.gc();
    }

    /**
     * A trivial execution right after a session step costs what it costs after a plain one: pages a session step
     * write-protects again ({@link dev.codeact.hyperlight.memory.SlotSnapshot#protectAtNextRestore}) and that the next
     * program writes stay writable from then on, rather than faulting at every execution that follows a session's.
     */
    private static String plainAfterSessionSteps(MicroVm vm) {
        SessionState small = vm.executeInSession(vm.newSession(), "globalThis.x = 1", HostFunctions.none(), LIMITS, 64L << 20)
                .state();
        int rounds = 4 * RUNS;
        long[][] nanos = new long[4][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < 2; k++) {
                vm.restore();
                long started = System.nanoTime();
                if (k == 0) {
                    vm.execute("return 1", HostFunctions.none(), LIMITS);
                } else {
                    vm.executeInSession(small, "return 1", HostFunctions.none(), LIMITS, 64L << 20);
                }
                nanos[2 * k][i] = System.nanoTime() - started;
                vm.restore();
                started = System.nanoTime();
                vm.execute("return 1", HostFunctions.none(), LIMITS);
                nanos[2 * k + 1][i] = System.nanoTime() - started;
            }
        }
        return String.format("p50 trivial after a trivial one %.1f us, after a session step (%s) %.1f us; that step %.1f us%n",
                median(nanos[1]) / 1e3, small, median(nanos[3]) / 1e3, median(nanos[2]) / 1e3);
    }

    /** Where the figures come from: they mean little without the machine and its load. */
    private static String machine() {
        String cpu = "?";
        String load = "?";
        try {
            cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
            load = String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim()
                    .split(" "), 3));
        } catch (java.io.IOException e) {
            // figures without their context, still printed
        }
        return "\n" + Runtime.getRuntime().availableProcessors() + " x " + cpu + ", kernel " + System.getProperty("os.version")
                + ", load average " + load + " (1, 5, 15 min; at the end of the runs)";
    }

    /** What writing the state's pages into memory costs by itself, page by page as a restore of the state does. */
    private static long medianCopyNanos(SessionState state) {
        int count = state.data().count() + state.stack().count();
        byte[][] pages = new byte[count][4096];
        com.sun.jna.Memory target = new com.sun.jna.Memory((long) count * 4096);
        long[] nanos = new long[RUNS];
        for (int run = 0; run < RUNS; run++) {
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                target.write((long) i * 4096, pages[i], 0, 4096);
            }
            nanos[run] = System.nanoTime() - started;
        }
        target.close();
        return median(nanos);
    }

    private static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
