package dev.codeact.benchmarks;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.VmCounters;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time of a trivial execution goes, on one VM: {@code return 1 + 1} (Python: {@code 1 + 1}) and the restore after it (what a pool
 * does at release), split by the VM's own counters into the time inside {@code KVM_RUN}, the exits that ended it,
 * the restore and the pages it copied back, and what is left: Java (entry and exit handling, the mailbox, JNA
 * calls, the result). Each part is the median over the measured runs of that part.
 */
final class TrivialBreakdown {
    private TrivialBreakdown() {
    }

    static Map<String, Object> measure(GuestImage image, String program, boolean quick) {
        HostFunctions none = HostFunctions.none();
        ExecutionLimits limits = ExecutionLimits.defaults();
        int runs = quick ? 500 : 3000;
        try (MicroVm vm = MicroVm.start(image, GuestMemorySizes.defaults())) {
            long warmUntil = System.nanoTime() + Duration.ofSeconds(quick ? 1 : 3).toNanos();
            for (int i = 0; i < runs / 3 || System.nanoTime() - warmUntil < 0; i++) {
                vm.execute(program, none, limits);
                vm.restore();
            }
            long[] total = new long[runs];
            long[] kvmRun = new long[runs];
            long[] restore = new long[runs];
            long[] java = new long[runs];
            long[] exits = new long[runs];
            long[] hostCallExits = new long[runs];
            long[] logExits = new long[runs];
            long[] sleepExits = new long[runs];
            long[] interrupted = new long[runs];
            long[] otherExits = new long[runs];
            long[] pages = new long[runs];
            for (int i = 0; i < runs; i++) {
                VmCounters.Totals before = vm.counters();
                long started = System.nanoTime();
                ExecutionResult r = vm.execute(program, none, limits);
                vm.restore();
                total[i] = System.nanoTime() - started;
                VmCounters.Totals run = vm.counters().minus(before);
                if (!r.success()) {
                    throw new IllegalStateException("breakdown program failed: " + r.error());
                }
                kvmRun[i] = run.kvmRunNanos();
                restore[i] = run.restoreNanos();
                java[i] = total[i] - run.kvmRunNanos() - run.restoreNanos();
                exits[i] = run.exits();
                hostCallExits[i] = run.hostCallExits();
                logExits[i] = run.logExits();
                sleepExits[i] = run.sleepExits();
                interrupted[i] = run.interruptedRuns();
                otherExits[i] = run.otherExits();
                pages[i] = run.restoredPages();
            }
            Map<String, Object> exitKinds = new LinkedHashMap<>();
            exitKinds.put("hostCall", median(hostCallExits));
            exitKinds.put("logFlush", median(logExits));
            exitKinds.put("sleep", median(sleepExits));
            exitKinds.put("interrupted", median(interrupted));
            exitKinds.put("end", median(otherExits));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("runs", runs);
            figures.put("totalUs", us(median(total)));
            figures.put("kvmRunUs", us(median(kvmRun)));
            figures.put("exits", median(exits));
            figures.put("exitsByKind", exitKinds);
            figures.put("restoreUs", us(median(restore)));
            figures.put("pagesRestored", median(pages));
            figures.put("javaUs", us(median(java)));
            return figures;
        }
    }

    private static long median(long[] values) {
        return (long) BenchSuite.percentile(values, 50);
    }

    private static double us(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }
}
