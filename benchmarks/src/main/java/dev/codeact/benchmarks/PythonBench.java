package dev.codeact.benchmarks;

import static dev.codeact.benchmarks.BenchSuite.ECHO;
import static dev.codeact.benchmarks.BenchSuite.LIMITS;
import static dev.codeact.benchmarks.BenchSuite.ms;
import static dev.codeact.benchmarks.BenchSuite.p50;
import static dev.codeact.benchmarks.BenchSuite.percentile;
import static dev.codeact.benchmarks.BenchSuite.round;

import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The Python guest's figures (issue 15's targets), measured in the same run and the same way as the JavaScript
 * guest's: the same pool of two micro-VMs (acquire, execute, release), the same programs written in Python
 * ({@link Programs}), the same floor.
 */
final class PythonBench {
    private final boolean quick;

    PythonBench(boolean quick) {
        this.quick = quick;
    }

    Map<String, Object> measure() throws InterruptedException {
        Map<String, Object> figures = new LinkedHashMap<>();
        ColdStarts cold = ColdStarts.measure(GuestImage.python(), quick);
        figures.put("coldStartMs", Map.of("p50", ms(percentile(cold.starts(), 50)), "min", ms(percentile(cold.starts(), 0))));
        try (SandboxPool pool = SandboxPool.create(2, GuestImage.python(), GuestMemorySizes.defaults(), Duration.ofSeconds(10))) {
            BenchSuite.steadyState(figures, pool::execute, p -> p.python, quick ? 500 : 3000, quick);
        }
        Resident.Figures resident = Resident.measure(GuestImage.python(), p -> p.python);
        figures.put("residentMiBPerWarmSandbox", Math.round(resident.privateMiB() * 10) / 10.0);
        figures.put("summariseRecordsMs", summariseRecords(GuestImage.python(), p -> p.python, quick));
        figures.put("firstBootMs", ms(cold.firstBootNanos()));
        figures.put("sharedBootedImageMiB", Math.round(resident.sharedMiB() * 10) / 10.0);
        return figures;
    }

    /** {@link Programs#SUMMARISE_RECORDS} on a pool of two VMs of {@code image}: p50 and p99 in ms. */
    static Map<String, Object> summariseRecords(GuestImage image, Function<Programs, String> text, boolean quick) {
        String program = text.apply(Programs.SUMMARISE_RECORDS);
        try (SandboxPool pool = SandboxPool.create(2, image, GuestMemorySizes.defaults(), Duration.ofSeconds(10))) {
            long[] samples = BenchSuite.sample(quick ? 20 : 100, () -> {
                ExecutionResult r = pool.execute(program, ECHO, LIMITS);
                if (!r.success()) {
                    throw new IllegalStateException("the records program failed: " + r.error());
                }
            });
            return Map.of("p50", ms(percentile(samples, 50)), "p99", ms(percentile(samples, 99)));
        }
    }

    static Map<String, Object> ratios(Map<String, Object> floor, Map<String, Object> javascript, Map<String, Object> python) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pythonToJavascriptExecute", round(p50(python, "executeUs") / p50(javascript, "executeUs")));
        r.put("pythonExecuteToRegisterResetFloor", round(p50(python, "executeUs") / p50(floor, "registerResetAndRunUs")));
        r.put("pythonCallToolToExitRoundTrip", round(p50(python, "callToolAddsUs") / p50(floor, "exitRoundTripUs")));
        r.put("pythonFurtherCallToolToExitRoundTrip", round(p50(python, "eachFurtherCallToolUs") / p50(floor, "exitRoundTripUs")));
        r.put("pythonToJavascriptColdStart", round(p50(python, "coldStartMs") / p50(javascript, "coldStartMs")));
        r.put("pythonToJavascriptSummariseRecords", round(p50(python, "summariseRecordsMs") / p50(javascript, "summariseRecordsMs")));
        return r;
    }

    /** Issue 15's targets for the Python guest. */
    static Map<String, Object> targets(Map<String, Object> floor, Map<String, Object> javascript, Map<String, Object> python) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("pythonColdStartAtMost30Ms", p50(python, "coldStartMs") <= 30);
        t.put("pythonExecuteP50AtMost250Us", p50(python, "executeUs") <= 250);
        t.put("pythonExecuteAtMost4xJavascript", p50(python, "executeUs") <= 4 * p50(javascript, "executeUs"));
        t.put("pythonCallToolAtMost2xExit", p50(python, "callToolAddsUs") <= 2 * p50(floor, "exitRoundTripUs"));
        t.put("pythonResidentAtMost24MiB", p50(python, "residentMiBPerWarmSandbox") <= 24);
        t.put("pythonRunawayWithin5MsOfDeadline", p50(python, "runawayReturnAfterDeadlineMs") <= 5);
        return t;
    }
}
