package dev.codeact.hyperlight.cli;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A quick harness for the runtime's headline numbers, all measured in one run: cold start, a trivial
 * execution on a warm pool, and the time one call_tool adds. Medians and p99 in microseconds.
 */
final class RuntimeBenchmark {
    private static final int COLD_STARTS = 15;
    private static final int WARM_RUNS = 3000;

    private RuntimeBenchmark() {
    }

    static Map<String, Object> run() {
        Map<String, Object> out = new LinkedHashMap<>();
        KvmAvailability kvm = KvmAvailability.probe();
        out.put("kvm", kvm.reason());
        GuestImage image = GuestImage.quickJs();
        for (int i = 0; i < 3; i++) {
            MicroVm.start(image, GuestMemorySizes.defaults()).close(); // warm the JVM's JNA paths
        }
        long[] cold = new long[COLD_STARTS];
        for (int i = 0; i < COLD_STARTS; i++) {
            long t = System.nanoTime();
            try (MicroVm vm = MicroVm.start(image, GuestMemorySizes.defaults())) {
                cold[i] = System.nanoTime() - t;
            }
        }
        out.put("coldStartMs", Map.of("p50", round(percentile(cold, 50) / 1e6), "min", round(percentile(cold, 0) / 1e6)));
        HostFunctions echo = HostFunctions.builder().register("echo", HostFunctions.echo()).build();
        try (SandboxPool pool = SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(5))) {
            long[] trivial = measure(pool, "return 1 + 1", echo);
            long[] oneCall = measure(pool, "return call_tool('echo', {v: 1}).v", echo);
            out.put("trivialExecutionUs", Map.of("p50", round(percentile(trivial, 50) / 1e3), "p99", round(percentile(trivial, 99) / 1e3)));
            out.put("withOneToolCallUs", Map.of("p50", round(percentile(oneCall, 50) / 1e3), "p99", round(percentile(oneCall, 99) / 1e3)));
            out.put("toolCallAddsUs", round((percentile(oneCall, 50) - percentile(trivial, 50)) / 1e3));
        }
        return out;
    }

    /** Acquire + execute + release on a pool of 2, timed from the caller; each release restores its VM in the background while the next call runs on the other. */
    private static long[] measure(SandboxPool pool, String code, HostFunctions functions) {
        long[] samples = new long[WARM_RUNS];
        ExecutionLimits limits = ExecutionLimits.defaults();
        for (int i = -WARM_RUNS / 5; i < WARM_RUNS; i++) {
            long t = System.nanoTime();
            ExecutionResult r = pool.execute(code, functions, limits);
            long elapsed = System.nanoTime() - t;
            if (!r.success()) {
                throw new IllegalStateException("benchmark program failed: " + r.error());
            }
            if (i >= 0) {
                samples[i] = elapsed;
            }
        }
        return samples;
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))];
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String toJson(Map<String, Object> results) {
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(results);
    }
}
