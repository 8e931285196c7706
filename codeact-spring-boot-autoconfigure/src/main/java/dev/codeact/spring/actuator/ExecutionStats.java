package dev.codeact.spring.actuator;

import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.spring.execution.ExecutionListener;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps what the codeact actuator endpoint shows: executions by outcome and error type, latency percentiles
 * over the most recent executions, tool calls per tool, and the last executions. Bounded memory.
 */
public final class ExecutionStats implements ExecutionListener {
    static final int LATENCY_WINDOW = 1024;

    private final int recentLimit;
    private final boolean includeCode;
    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> byOutcome = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byErrorType = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> toolCalls = new ConcurrentHashMap<>();
    private final long[] latencyNanos = new long[LATENCY_WINDOW];
    private long latencyCount;
    private final Deque<RecentExecution> recent = new ArrayDeque<>();

    /**
     * @param recentLimit how many recent executions to keep
     * @param includeCode whether the recent executions keep their program text
     */
    public ExecutionStats(int recentLimit, boolean includeCode) {
        this.recentLimit = recentLimit;
        this.includeCode = includeCode;
    }

    /**
     * One recent execution as the endpoint shows it.
     *
     * @param startedAt when it started
     * @param durationMs how long it took
     * @param backend the backend that ran it
     * @param outcome success or failure
     * @param errorType the error type of a failure, else null
     * @param toolsCalled the tools it called, in order
     * @param code the program, only with codeact.actuator.include-code=true
     * @param language the language the program is written in
     */
    public record RecentExecution(Instant startedAt, double durationMs, String backend, String outcome, String errorType,
            List<String> toolsCalled, String code, String language) {
    }

    /**
     * Latency percentiles in milliseconds over the last {@value #LATENCY_WINDOW} executions.
     *
     * @param samples how many executions the figures cover
     */
    public record Latency(int samples, double p50, double p90, double p99, double max) {
    }

    @Override
    public void executed(Execution execution) {
        ExecutionResult r = execution.result();
        total.increment();
        byOutcome.computeIfAbsent(r.success() ? "success" : "failure", k -> new LongAdder()).increment();
        if (!r.success()) {
            byErrorType.computeIfAbsent(GuestStrings.HOST_CALL_WORDING.typeName(r.error().type()), k -> new LongAdder()).increment();
        }
        execution.toolsCalled().forEach(t -> toolCalls.computeIfAbsent(t, k -> new LongAdder()).increment());
        synchronized (this) {
            latencyNanos[(int) (latencyCount++ % LATENCY_WINDOW)] = r.duration().toNanos();
            recent.addFirst(new RecentExecution(execution.startedAt(), Math.round(r.duration().toNanos() / 1e3) / 1e3, execution.backend(),
                    r.success() ? "success" : "failure", r.success() ? null : GuestStrings.HOST_CALL_WORDING.typeName(r.error().type()), execution.toolsCalled(),
                    includeCode ? execution.code() : null, execution.language().id()));
            while (recent.size() > recentLimit) {
                recent.removeLast();
            }
        }
    }

    public long total() {
        return total.sum();
    }

    public Map<String, Long> byOutcome() {
        return snapshot(byOutcome);
    }

    public Map<String, Long> byErrorType() {
        return snapshot(byErrorType);
    }

    public Map<String, Long> toolCalls() {
        return snapshot(toolCalls);
    }

    public synchronized List<RecentExecution> recent() {
        return new ArrayList<>(recent);
    }

    public synchronized Latency latency() {
        int n = (int) Math.min(latencyCount, LATENCY_WINDOW);
        if (n == 0) {
            return new Latency(0, 0, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(latencyNanos, n);
        Arrays.sort(sorted);
        return new Latency(n, ms(sorted, 50), ms(sorted, 90), ms(sorted, 99), ms(sorted, 100));
    }

    private static double ms(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return Math.round(sorted[Math.max(0, index)] / 1e3) / 1e3;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return new LinkedHashMap<>(copy);
    }
}
