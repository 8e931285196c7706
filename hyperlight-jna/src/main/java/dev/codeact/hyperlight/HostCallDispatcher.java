package dev.codeact.hyperlight;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * Runs the host calls of one execution: decodes each request, enforces the tool-call and result-size caps,
 * calls the host function, and turns its failure into the message the program's ToolError carries. It also
 * keeps the CPU time spent inside host functions, which does not count against the program's CPU limit.
 * Any sandbox (the KVM guest, an in-process engine) uses it, so every backend answers with the same words.
 * Called on the execution's own thread; the CPU figures may be read from any thread.
 */
public final class HostCallDispatcher {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** What goes back to the program: the result JSON when {@code ok}, else the error message. */
    public record Reply(boolean ok, byte[] bytes) {
    }

    private final HostFunctions functions;
    private final ExecutionLimits limits;
    private final Deadline deadline;
    private final int resultLimitBytes;
    private int calls;
    private volatile long toolCpuNanos;
    private volatile long toolStartedCpuNanos = -1;

    /**
     * @param resultCapacityBytes room the sandbox has for one reply; the effective cap is the smaller of this
     *     and the limits' result cap
     * @param deadline when the execution must end: handed to every host function, which bounds its waits by it
     */
    public HostCallDispatcher(HostFunctions functions, ExecutionLimits limits, int resultCapacityBytes, Deadline deadline) {
        this.functions = functions;
        this.limits = limits;
        this.deadline = deadline;
        this.resultLimitBytes = Math.min(resultCapacityBytes, limits.maxToolResultBytes());
    }

    /** The error for a request the sandbox refused before dispatch because of its size. */
    public static String requestTooLarge(long requestBytes, long limitBytes) {
        return "tool arguments too large: " + requestBytes + " bytes of JSON, the limit is " + limitBytes + " bytes";
    }

    /**
     * Runs one request; {@code request} is the sandbox's private copy of what the program sent.
     *
     * @throws GuestProtocolException when the request is not UTF-8 JSON of the form {@code {name, args}}
     */
    public Reply dispatch(byte[] request) throws GuestProtocolException {
        calls++;
        HostCallRequest call = HostCallRequest.decode(request);
        HostFunction function = functions.get(call.name());
        if (calls > limits.maxToolCalls()) {
            return error("too many tool calls: the limit is " + limits.maxToolCalls() + " per execution");
        }
        if (call.argumentsJson() == null) {
            return error(JsonNesting.tooDeep("the arguments of '" + call.name() + "'", call.argumentsDepth()));
        }
        if (function == null) {
            return error("unknown tool '" + call.name() + "'; available tools: "
                    + (functions.names().isEmpty() ? "(none)" : String.join(", ", functions.names())));
        }
        boolean countCpu = limits.cpuTimeIsBinding();
        long cpuBefore = countCpu ? THREADS.getCurrentThreadCpuTime() : 0;
        toolStartedCpuNanos = cpuBefore;
        String result;
        try {
            result = function.call(call.argumentsJson(), deadline);
        } catch (Exception e) {
            String message = e.getMessage();
            return error(message == null || message.isBlank()
                    ? e.getClass().getSimpleName() + " in tool '" + call.name() + "'" : message);
        } finally {
            if (countCpu) {
                toolCpuNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
            }
            toolStartedCpuNanos = -1;
            Thread.interrupted(); // a watchdog interrupt aimed at this call must not leak into the program
        }
        byte[] bytes = (result == null ? "null" : result).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > resultLimitBytes) {
            return error("the tool's result is " + bytes.length + " bytes, the limit is " + resultLimitBytes + " bytes");
        }
        int depth = result == null ? 0 : JsonNesting.depth(result);
        if (depth > JsonNesting.MAX_DEPTH) {
            return error(JsonNesting.tooDeep("the result of '" + call.name() + "'", depth));
        }
        return new Reply(true, bytes);
    }

    /** True while a host function runs (it may be waiting on something an interrupt would end). */
    public boolean inHostFunction() {
        return toolStartedCpuNanos >= 0;
    }

    /** Host calls made so far, refused ones included. */
    public int calls() {
        return calls;
    }

    /**
     * CPU time the program itself used: the execution thread's CPU time since {@code threadCpuAtStart}, less the
     * time spent in host functions (a host function still running counts from when it started).
     */
    public long programCpuNanos(long threadId, long threadCpuAtStart) {
        long inTool = toolStartedCpuNanos;
        long now = inTool >= 0 ? inTool : THREADS.getThreadCpuTime(threadId);
        return now - threadCpuAtStart - toolCpuNanos;
    }

    private static Reply error(String message) {
        return new Reply(false, message.getBytes(StandardCharsets.UTF_8));
    }
}
