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
 * {@code ./codeact bench}: the sandbox's headline numbers for KVM (the JavaScript and the Python guest) and GraalJS,
 * measured in one run, next to the bare KVM floor measured in the same run, the targets, and the published
 * reference figures.
 */
public final class BenchSuite {
    static final HostFunctions ECHO = HostFunctions.builder().register("echo", HostFunctions.echo()).build();
    static final ExecutionLimits LIMITS = ExecutionLimits.defaults();
    private static final Duration RUNAWAY_TIMEOUT = Duration.ofMillis(50);
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration WARM_UP_QUICK = Duration.ofSeconds(1);
    /** Calls beyond the first in the program that measures what each further call_tool adds. */
    static final int FURTHER_CALLS = 10;

    private final boolean quick;
    private ColdStarts kvmColdStarts;
    private Resident.Figures kvmResident;

    private BenchSuite(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("dev.codeact").setLevel(java.util.logging.Level.WARNING);
        List<String> options = List.of(args);
        BenchSuite suite = new BenchSuite(options.contains("--quick"));
        Map<String, Object> report = options.contains("--sessions") ? suite.sessionsOnly() : suite.run();
        String json = JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        if (options.contains("--json")) {
            System.out.println(json);
        } else {
            System.out.println(Table.render(report));
        }
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        KvmAvailability kvm = machine(report);
        Map<String, Object> floor = null;
        Map<String, Object> kvmFigures = null;
        Map<String, Object> pythonFigures = null;
        if (kvm.usable()) {
            floor = floor();
            report.put("floor", floor);
            kvmFigures = backend("kvm", this::kvmColdStart, () -> new KvmCodeSandbox(
                    SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(10))), this::kvmResidentPerSandbox);
            kvmFigures.put("summariseRecordsMs", PythonBench.summariseRecords(GuestImage.quickJs(), p -> p.javascript, quick));
            report.put("kvm", kvmFigures);
            pythonFigures = new PythonBench(quick).measure();
            report.put("python", pythonFigures);
            report.put("kvmRestoreStrategies", restoreStrategies());
            report.put("kvmTrivialBreakdown", TrivialBreakdown.measure(GuestImage.quickJs(), Programs.TRIVIAL.javascript, quick));
            report.put("pythonTrivialBreakdown", TrivialBreakdown.measure(GuestImage.python(), Programs.TRIVIAL.python, quick));
            report.put("sessions", new SessionBench(quick).measure());
        } else {
            report.put("kvm", Map.of("skipped", kvm.reason()));
        }
        Map<String, Object> graal = backend("graaljs", this::graalColdStart, GraalJsCodeSandbox::create, this::graalResident);
        report.put("graaljs", graal);
        if (kvmFigures != null) {
            report.put("ratios", ratios(floor, kvmFigures, graal));
            report.put("targets", targets(floor, kvmFigures));
            report.put("pythonRatios", PythonBench.ratios(floor, kvmFigures, pythonFigures));
            report.put("pythonTargets", PythonBench.targets(floor, kvmFigures, pythonFigures));
        }
        report.put("references", Map.of(
                "hyperlightJsColdStartMs", 100,
                "hyperlightJsRestoreAndRunMs", "0.7-1.5",
                "hyperlightCallWithSnapshotRestoreUs", "62-89 (hyperlight PR #1529, bare guest function)",
                "hyperlightKillToReturnUs", 22.9));
        return report;
    }

    /** {@code --sessions}: the machine and issue 16's session figures alone (a few seconds per store). */
    Map<String, Object> sessionsOnly() throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        KvmAvailability kvm = machine(report);
        report.put("sessions", kvm.usable() ? new SessionBench(quick).measure() : Map.of("skipped", kvm.reason()));
        return report;
    }

    /** What the figures were measured on, into the report; the KVM found. */
    private static KvmAvailability machine(Map<String, Object> report) {
        KvmAvailability kvm = KvmAvailability.probe();
        report.put("machine", Map.of("kvm", kvm.reason(), "cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
        report.put("host", HostFacts.describe());
        return kvm;
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

    private Map<String, Object> backend(String name, ColdStart coldStart, Supplier<CodeSandbox> create, Resident resident)
            throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        long[] cold = coldStart.measure();
        figures.put("coldStartMs", Map.of("p50", ms(percentile(cold, 50)), "min", ms(percentile(cold, 0))));
        try (CodeSandbox sandbox = create.get()) {
            int runs = name.equals("kvm") ? (quick ? 500 : 3000) : (quick ? 100 : 600);
            steadyState(figures, sandbox::execute, p -> p.javascript, runs, quick);
        }
        figures.put("residentMiBPerWarmSandbox", Math.round(resident.mibPerSandbox() * 10) / 10.0);
        if (name.equals("kvm")) {
            figures.put("firstBootMs", ms(kvmColdStarts.firstBootNanos()));
            figures.put("sharedBootedImageMiB", Math.round(kvmResident.sharedMiB() * 10) / 10.0);
        }
        return figures;
    }

    /** What runs a program: a {@link CodeSandbox} or a {@link SandboxPool} (acquire, execute, release). */
    interface Runner {
        ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits);
    }

    /** The steady-state figures of one language on one backend: trivial, call_tool, throughput, the runaway loop. */
    static void steadyState(Map<String, Object> figures, Runner sandbox, java.util.function.Function<Programs, String> text,
            int runs, boolean quick) throws InterruptedException {
        long[][] interleaved = executions(sandbox, runs, quick, text.apply(Programs.TRIVIAL),
                text.apply(Programs.ONE_CALL_TOOL), text.apply(Programs.ELEVEN_CALL_TOOLS));
        long[] trivial = interleaved[0];
        long[] oneCall = interleaved[1];
        long[] manyCalls = interleaved[2];
        figures.put("executeUs", Map.of("p50", us(percentile(trivial, 50)), "p99", us(percentile(trivial, 99))));
        figures.put("withOneCallToolUs", Map.of("p50", us(percentile(oneCall, 50)), "p99", us(percentile(oneCall, 99))));
        // the first call also pays for a longer program text; further ones are the round trip alone
        figures.put("callToolAddsUs", us(percentile(oneCall, 50) - percentile(trivial, 50)));
        figures.put("eachFurtherCallToolUs", us((percentile(manyCalls, 50) - percentile(oneCall, 50)) / FURTHER_CALLS));
        figures.put("throughputPerSecondTwoThreads", throughput(sandbox, text.apply(Programs.TRIVIAL), quick ? 500 : 2000));
        long[] overshoot = runaway(sandbox, text.apply(Programs.RUNAWAY), quick ? 3 : 10);
        figures.put("runawayReturnAfterDeadlineMs", Map.of("p50", ms(percentile(overshoot, 50)), "max", ms(percentile(overshoot, 100))));
    }

    /**
     * Cold start of a VM once the process has one booted image: the first VM boots the guest (measured on its own,
     * {@code firstBootMs}), the ones after it start from its booted image.
     */
    private long[] kvmColdStart() {
        kvmColdStarts = ColdStarts.measure(GuestImage.quickJs(), quick);
        return kvmColdStarts.starts();
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

    /** Resident memory per warm JavaScript micro-VM, as {@link Resident#measure} counts it. */
    private double kvmResidentPerSandbox() {
        kvmResident = Resident.measure(GuestImage.quickJs(), p -> p.javascript);
        return kvmResident.privateMiB();
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
    static long[][] executions(Runner sandbox, int runs, boolean quick, String... programs) {
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
                    throw new IllegalStateException("benchmark program failed: " + r.error() + "\n" + programs[p]);
                }
                samples[p][i] = elapsed;
            }
        }
        return samples;
    }

    /** Trivial executions per second from two caller threads sharing the backend. */
    private static long throughput(Runner sandbox, String trivial, int perThread) throws InterruptedException {
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
                    if (!sandbox.execute(trivial, ECHO, LIMITS).success()) {
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
            throw new IllegalStateException(failures.get() + " throughput executions failed");
        }
        return Math.round(threads * perThread / (elapsed / 1e9));
    }

    /** How long after its deadline `while(true){}` comes back. */
    private static long[] runaway(Runner sandbox, String loop, int runs) {
        long[] overshoot = new long[runs];
        ExecutionLimits limits = LIMITS.withTimeout(RUNAWAY_TIMEOUT);
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            ExecutionResult r = sandbox.execute(loop, HostFunctions.none(), limits);
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
    static double p50(Map<String, Object> figures, String key) {
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

    static long[] sample(int runs, Runnable action) {
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

    static double us(double nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    static double ms(double nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static long usedHeapBytes() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
