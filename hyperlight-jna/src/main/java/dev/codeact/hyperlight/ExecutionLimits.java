package dev.codeact.hyperlight;

import java.time.Duration;

/**
 * Per-execution limits. Each one, when hit, ends the execution with its own {@link ErrorType}.
 *
 * @param timeout wall-clock limit ({@link ErrorType#TIMEOUT})
 * @param cpuTime guest CPU-time limit, time in host functions excluded ({@link ErrorType#CPU_LIMIT})
 * @param memoryBytes JavaScript heap limit ({@link ErrorType#OUT_OF_MEMORY}); must fit in the VM's heap
 * @param stackBytes JavaScript stack limit ({@link ErrorType#STACK_OVERFLOW}); must fit in the VM's stack
 * @param outputBytesPerStream cap on stdout and on stderr ({@link ErrorType#OUTPUT_LIMIT}, output kept up to
 *     the cap and flagged truncated)
 * @param maxHostCallRequestBytes cap on one call's {name, args} JSON; larger calls fail with a catchable error
 * @param maxHostCallResultBytes cap on one host-function result; larger results fail with a catchable error
 * @param maxHostCalls cap on host calls per execution
 */
public record ExecutionLimits(
        Duration timeout, Duration cpuTime, long memoryBytes, long stackBytes,
        int outputBytesPerStream, int maxHostCallRequestBytes, int maxHostCallResultBytes, int maxHostCalls) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MEMORY_BYTES = 64L << 20;
    public static final long DEFAULT_STACK_BYTES = 512L << 10;
    public static final int DEFAULT_OUTPUT_BYTES_PER_STREAM = 1 << 20;
    public static final int DEFAULT_MAX_HOST_CALL_REQUEST_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_HOST_CALL_RESULT_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_HOST_CALLS = 10_000;

    public ExecutionLimits {
        requirePositive(timeout, "timeout");
        requirePositive(cpuTime, "cpuTime");
        if (memoryBytes < (1L << 20)) {
            throw new IllegalArgumentException("memoryBytes must be at least 1 MiB, was " + memoryBytes);
        }
        if (stackBytes < (16L << 10)) {
            throw new IllegalArgumentException("stackBytes must be at least 16 KiB, was " + stackBytes);
        }
        if (outputBytesPerStream < 1 || maxHostCallRequestBytes < 1 || maxHostCallResultBytes < 1 || maxHostCalls < 0) {
            throw new IllegalArgumentException("output, host-call size and host-call count limits must be positive");
        }
    }

    public static ExecutionLimits defaults() {
        return new ExecutionLimits(DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_MEMORY_BYTES, DEFAULT_STACK_BYTES,
                DEFAULT_OUTPUT_BYTES_PER_STREAM, DEFAULT_MAX_HOST_CALL_REQUEST_BYTES, DEFAULT_MAX_HOST_CALL_RESULT_BYTES,
                DEFAULT_MAX_HOST_CALLS);
    }

    public ExecutionLimits withTimeout(Duration value) {
        return new ExecutionLimits(value, cpuTime, memoryBytes, stackBytes, outputBytesPerStream,
                maxHostCallRequestBytes, maxHostCallResultBytes, maxHostCalls);
    }

    public ExecutionLimits withCpuTime(Duration value) {
        return new ExecutionLimits(timeout, value, memoryBytes, stackBytes, outputBytesPerStream,
                maxHostCallRequestBytes, maxHostCallResultBytes, maxHostCalls);
    }

    public ExecutionLimits withMemoryBytes(long value) {
        return new ExecutionLimits(timeout, cpuTime, value, stackBytes, outputBytesPerStream,
                maxHostCallRequestBytes, maxHostCallResultBytes, maxHostCalls);
    }

    public ExecutionLimits withOutputBytesPerStream(int value) {
        return new ExecutionLimits(timeout, cpuTime, memoryBytes, stackBytes, value,
                maxHostCallRequestBytes, maxHostCallResultBytes, maxHostCalls);
    }

    public ExecutionLimits withHostCallSizes(int requestBytes, int resultBytes) {
        return new ExecutionLimits(timeout, cpuTime, memoryBytes, stackBytes, outputBytesPerStream,
                requestBytes, resultBytes, maxHostCalls);
    }

    /** The error of an execution this limit stopped, worded the same by every backend. */
    public ExecutionError stoppedBy(ErrorType reason) {
        String message = switch (reason) {
            case TIMEOUT -> "the execution exceeded its " + timeout.toMillis() + " ms time limit";
            case CPU_LIMIT -> "the execution exceeded its " + cpuTime.toMillis() + " ms CPU-time limit";
            case OUT_OF_MEMORY -> "the program ran out of memory: its limit is " + describeBytes(memoryBytes);
            case OUTPUT_LIMIT -> "the program printed more than " + outputBytesPerStream
                    + " bytes to one console stream; output was truncated";
            default -> "the execution was stopped: " + reason;
        };
        return ExecutionError.of(reason, message);
    }

    /**
     * True when the CPU-time limit can end a program before its timeout does. Only then is CPU time polled
     * and the time spent in host functions measured (two clock reads per host call).
     */
    public boolean cpuTimeIsBinding() {
        return cpuTime.compareTo(timeout) < 0;
    }

    /** The error when the deadline passed inside a host function that never returned. */
    public ExecutionError stuckInHostFunction() {
        return ExecutionError.of(ErrorType.TIMEOUT, "the execution exceeded its " + timeout.toMillis()
                + " ms time limit inside a host function that did not return");
    }

    private static String describeBytes(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
