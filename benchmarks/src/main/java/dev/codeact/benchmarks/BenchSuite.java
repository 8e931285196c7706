package dev.codeact.benchmarks;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.kvm.BareVm;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./codeact bench}: the sandbox's headline numbers for KVM and GraalJS, measured in one run, next to the
 * bare KVM floor measured in the same run, the targets, and the published reference figures.
 */
public final class BenchSuite {
    private static final HostFunctions ECHO = HostFunctions.builder().register("echo", HostFunctions.echo()).build();
    private static final ExecutionLimits LIMITS = ExecutionLimits.defaults();
    private static final Duration RUNAWAY_TIMEOUT = Duration.ofMillis(50);
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration WARM_UP_QUICK = Duration.ofSeconds(1);
    /** Calls beyond the first in the program that measures what each further call_tool adds. */
    private static final int FURTHER_CALLS = 10;

    private final boolean quick;
    private long firstBootNanos;
    private double sharedBootedImageMiB;

    private BenchSuite(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("dev.codeact").setLevel(java.util.logging.Level.WARNING);
        List<String> options = List.of(args);
        Map<String, Object> report = new BenchSuite(options.contains("--quick")).run();
        String json = JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        if (options.contains("--json")) {
            System.out.println(json);
        } else {
            System.out.println(Table.render(report));
        }
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        KvmAvailability kvm = KvmAvailability.probe();
        report.put("machine", Map.of("kvm", kvm.reason(), "cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
        report.put("host", HostFacts.describe());
        Map<String, Object> floor = null;
        Map<String, Object> kvmFigures = null;
        if (kvm.usable()) {
            floor = floor();
            report.put("floor", floor);
            kvmFigures = backend("kvm", this::kvmColdStart, () -> new KvmCodeSandbox(
                    SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(10))), this::kvmResidentPerSandbox);
            report.put("kvm", kvmFigures);
            report.put("kvmRestoreStrategies", restoreStrategies());
            report.put("kvmTrivialBreakdown", TrivialBreakdown.measure(quick));
        } else {
            report.put("kvm", Map.of("skipped", kvm.reason()));
        }
        Map<String, Object> graal = backend("graaljs", this::graalColdStart, GraalJsCodeSandbox::create, this::graalResident);
        report.put("graaljs", graal);
        if (kvmFigures != null) {
            report.put("ratios", ratios(floor, kvmFigures, graal));
            report.put("targets", targets(floor, kvmFigures));
        }
        report.put("references", Map.of(
                "hyperlightJsColdStartMs", 100,
                "hyperlightJsRestoreAndRunMs", "0.7-1.5",
                "hyperlightCallWithSnapshotRestoreUs", "62-89 (hyperlight PR #1529, bare guest function)",
                "hyperlightKillToReturnUs", 22.9));
        return report;
    }

    // ------------------------------------------------------------------ the floor

    private Map<String, Object> floor() {
        try (BareVm bare = new BareVm()) {
            long[] exits = sample(quick ? 2000 : 20000, bare::exitRoundTrip);
            long[] resets = sample(quick ? 1000 : 5000, bare::resetAndRun);
            Map<String, Object> floor = new LinkedHashMap<>();
            floor.put("exitRoundTripUs", us(percentile(exits, 50)));
            floor.put("registerResetAndRunUs", us(percentile(resets, 50)));
            return floor;
        }
    }

    // ------------------------------------------------------------------ one backend

    private interface ColdStart {
        long[] measure() throws Exception;
    }

    private interface Resident {
        double mibPerSandbox();
    }

    private Map<String, Object> backend(String name, ColdStart coldStart, Supplier<CodeSandbox> create, Resident resident)
            throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        long[] cold = coldStart.measure();
        figures.put("coldStartMs", Map.of("p50", ms(percentile(cold, 50)), "min", ms(percentile(cold, 0))));
        try (CodeSandbox sandbox = create.get()) {
            int runs = name.equals("kvm") ? (quick ? 500 : 3000) : (quick ? 100 : 600);
            long[][] interleaved = executions(sandbox, runs, "return 1 + 1", "return call_tool('echo', {v: 1}).v",
                    "let s = 0; for (let i = 0; i < " + (1 + FURTHER_CALLS) + "; i++) s += call_tool('echo', {v: 1}).v; return s");
            long[] trivial = interleaved[0];
            long[] oneCall = interleaved[1];
            long[] manyCalls = interleaved[2];
            figures.put("executeUs", Map.of("p50", us(percentile(trivial, 50)), "p99", us(percentile(trivial, 99))));
            figures.put("withOneCallToolUs", Map.of("p50", us(percentile(oneCall, 50)), "p99", us(percentile(oneCall, 99))));
            // the first call also pays for a longer program text; further ones are the round trip alone
            figures.put("callToolAddsUs", us(percentile(oneCall, 50) - percentile(trivial, 50)));
            figures.put("eachFurtherCallToolUs", us((percentile(manyCalls, 50) - percentile(oneCall, 50)) / FURTHER_CALLS));
            figures.put("throughputPerSecondTwoThreads", throughput(sandbox, quick ? 500 : 2000));
            long[] overshoot = runaway(sandbox, quick ? 3 : 10);
            figures.put("runawayReturnAfterDeadlineMs", Map.of("p50", ms(percentile(overshoot, 50)), "max", ms(percentile(overshoot, 100))));
        }
        figures.put("residentMiBPerWarmSandbox", Math.round(resident.mibPerSandbox() * 10) / 10.0);
        if (name.equals("kvm")) {
            figures.put("firstBootMs", ms(firstBootNanos));
            figures.put("sharedBootedImageMiB", Math.round(sharedBootedImageMiB * 10) / 10.0);
        }
        return figures;
    }

    /**
     * Cold start of a VM once the process has one booted image: the first VM boots the guest (measured on its own,
     * {@code firstBootMs}), the ones after it start from its booted image.
     */
    private long[] kvmColdStart() {
        GuestImage image = GuestImage.quickJs();
        long first = System.nanoTime();
        MicroVm.start(image, GuestMemorySizes.defaults()).close();
        firstBootNanos = System.nanoTime() - first;
        for (int i = 0; i < 3; i++) {
            MicroVm.start(image, GuestMemorySizes.defaults()).close();
        }
        long[] cold = new long[quick ? 5 : 15];
        for (int i = 0; i < cold.length; i++) {
            long t = System.nanoTime();
            try (MicroVm vm = MicroVm.start(image, GuestMemorySizes.defaults())) {
                cold[i] = System.nanoTime() - t;
            }
        }
        return cold;
    }

    private long[] graalColdStart() {
        GraalJsCodeSandbox.create().close(); // the first one also pays for class loading
        long[] cold = new long[quick ? 1 : 3];
        for (int i = 0; i < cold.length; i++) {
            long t = System.nanoTime();
            GraalJsCodeSandbox sandbox = GraalJsCodeSandbox.create();
            cold[i] = System.nanoTime() - t;
            sandbox.close();
        }
        return cold;
    }

    /**
     * Resident memory per warm micro-VM: 4 VMs of one image, each having run the same programs, the pages each holds
     * for itself counted page by page (pagemap; process RSS would mostly measure the JVM's heap): what one more warm
     * VM costs. The booted image they all share is reported once, beside it.
     */
    private double kvmResidentPerSandbox() {
        List<MicroVm> vms = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults());
                vms.add(vm);
                for (int run = 0; run < 50; run++) {
                    vm.execute("const a = []; for (let i = 0; i < 1000; i++) a.push({i}); return a.length", ECHO, LIMITS);
                    vm.execute("return call_tool('echo', {v: 1}).v", ECHO, LIMITS);
                }
            }
            sharedBootedImageMiB = vms.stream().mapToLong(MicroVm::sharedResidentBytes).max().orElse(0) / 1048576.0;
            return vms.stream().mapToLong(MicroVm::privateResidentBytes).sum() / 1048576.0 / vms.size();
        } finally {
            vms.forEach(MicroVm::close);
        }
    }

    /** Java heap one warm GraalJS backend keeps (its engine; contexts live only during an execution). */
    private double graalResident() {
        long before = usedHeapBytes();
        try (GraalJsCodeSandbox sandbox = GraalJsCodeSandbox.create()) {
            for (int i = 0; i < 100; i++) {
                sandbox.execute("const a = []; for (let i = 0; i < 1000; i++) a.push({i}); return a.length", ECHO, LIMITS);
            }
            return Math.max(0, usedHeapBytes() - before) / 1048576.0;
        }
    }

    /**
     * Runs the programs in turn, round after round, so that warm-up and machine noise fall on all of them alike
     * (a JIT-compiled engine keeps getting faster; measured one after the other, the later program would look cheaper).
     */
    private long[][] executions(CodeSandbox sandbox, int runs, String... programs) {
        // Warm-up by time as well as by count: the host-call path takes some 20,000 executions to be fully compiled,
        // and a shorter warm-up measured one call_tool at up to twice its steady cost.
        long warmUntil = System.nanoTime() + (quick ? WARM_UP_QUICK : WARM_UP).toNanos();
        for (int i = 0; i < runs / 3 || System.nanoTime() - warmUntil < 0; i++) {
            for (String program : programs) {
                sandbox.execute(program, ECHO, LIMITS);
            }
        }
        long[][] samples = new long[programs.length][runs];
        for (int i = 0; i < runs; i++) {
            for (int p = 0; p < programs.length; p++) {
                long t = System.nanoTime();
                ExecutionResult r = sandbox.execute(programs[p], ECHO, LIMITS);
                long elapsed = System.nanoTime() - t;
                if (!r.success()) {
                    throw new IllegalStateException(sandbox.backend() + ": benchmark program failed: " + r.error());
                }
                samples[p][i] = elapsed;
            }
        }
        return samples;
    }

    /** Trivial executions per second from two caller threads sharing the backend. */
    private static long throughput(CodeSandbox sandbox, int perThread) throws InterruptedException {
        int threads = 2;
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    if (!sandbox.execute("return 1 + 1", ECHO, LIMITS).success()) {
                        failures.incrementAndGet();
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failures.get() > 0) {
            throw new IllegalStateException(sandbox.backend() + ": " + failures.get() + " throughput executions failed");
        }
        return Math.round(threads * perThread / (elapsed / 1e9));
    }

    /** How long after its deadline `while(true){}` comes back. */
    private static long[] runaway(CodeSandbox sandbox, int runs) {
        long[] overshoot = new long[runs];
        ExecutionLimits limits = LIMITS.withTimeout(RUNAWAY_TIMEOUT);
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            ExecutionResult r = sandbox.execute("while (true) {}", HostFunctions.none(), limits);
            overshoot[i] = Math.max(0, System.nanoTime() - t - RUNAWAY_TIMEOUT.toNanos());
            if (r.success()) {
                throw new IllegalStateException("a runaway loop returned successfully");
            }
        }
        return overshoot;
    }

    /**
     * The two ways of bringing a VM back to its snapshot, side by side on one VM each: a trivial program, and one
     * that builds 20,000 objects (and so dirties a few hundred pages).
     */
    private Map<String, Object> restoreStrategies() {
        Map<String, Object> figures = new LinkedHashMap<>();
        String heavy = "const a = []; for (let i = 0; i < 20000; i++) a.push({i}); return a.length";
        for (RestoreStrategy strategy : RestoreStrategy.values()) {
            try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), strategy)) {
                long[] trivial = sample(quick ? 200 : 1000, () -> vm.execute("return 1 + 1", ECHO, LIMITS));
                long[] objects = sample(quick ? 30 : 200, () -> vm.execute(heavy, ECHO, LIMITS));
                figures.put(strategy.name(), Map.of("trivialUs", us(percentile(trivial, 50)),
                        "twentyThousandObjectsUs", us(percentile(objects, 50))));
            }
        }
        return figures;
    }

    // ------------------------------------------------------------------ ratios and targets

    @SuppressWarnings("unchecked")
    private static double p50(Map<String, Object> figures, String key) {
        Object value = figures.get(key);
        return value instanceof Map<?, ?> m ? ((Number) m.get("p50")).doubleValue() : ((Number) value).doubleValue();
    }

    private static Map<String, Object> ratios(Map<String, Object> floor, Map<String, Object> kvm, Map<String, Object> graal) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kvmExecuteToRegisterResetFloor", round(p50(kvm, "executeUs") / p50(floor, "registerResetAndRunUs")));
        r.put("kvmCallToolToExitRoundTrip", round(p50(kvm, "callToolAddsUs") / p50(floor, "exitRoundTripUs")));
        r.put("kvmFurtherCallToolToExitRoundTrip", round(p50(kvm, "eachFurtherCallToolUs") / p50(floor, "exitRoundTripUs")));
        r.put("graaljsToKvmExecute", round(p50(graal, "executeUs") / p50(kvm, "executeUs")));
        r.put("graaljsToKvmColdStart", round(p50(graal, "coldStartMs") / p50(kvm, "coldStartMs")));
        r.put("kvmToGraaljsThroughput", round(p50(kvm, "throughputPerSecondTwoThreads") / p50(graal, "throughputPerSecondTwoThreads")));
        return r;
    }

    private static Map<String, Object> targets(Map<String, Object> floor, Map<String, Object> kvm) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("executeP50AtMost150Us", p50(kvm, "executeUs") <= 150);
        t.put("executeAtMost4xFloor", p50(kvm, "executeUs") <= 4 * p50(floor, "registerResetAndRunUs"));
        t.put("coldStartAtMost5Ms", p50(kvm, "coldStartMs") <= 5);
        t.put("callToolAtMost1_5xExit", p50(kvm, "callToolAddsUs") <= 1.5 * p50(floor, "exitRoundTripUs"));
        t.put("furtherCallToolAtMost1_5xExit", p50(kvm, "eachFurtherCallToolUs") <= 1.5 * p50(floor, "exitRoundTripUs"));
        t.put("throughputAtLeast5000PerSecond", p50(kvm, "throughputPerSecondTwoThreads") >= 5000);
        t.put("residentAtMost8MiB", p50(kvm, "residentMiBPerWarmSandbox") <= 8);
        t.put("runawayWithin5MsOfDeadline", p50(kvm, "runawayReturnAfterDeadlineMs") <= 5);
        return t;
    }

    // ------------------------------------------------------------------ helpers

    private static long[] sample(int runs, Runnable action) {
        for (int i = 0; i < runs / 5; i++) {
            action.run();
        }
        long[] samples = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            action.run();
            samples[i] = System.nanoTime() - t;
        }
        return samples;
    }

    static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = p >= 100 ? sorted.length - 1 : Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    private static double us(double nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    private static double ms(double nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static long usedHeapBytes() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
