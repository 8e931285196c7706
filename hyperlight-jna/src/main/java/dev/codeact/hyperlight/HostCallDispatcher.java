package dev.codeact.hyperlight;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * Runs the host calls of one execution: decodes each request, enforces the call-count and result-size caps,
 * calls the host function, and turns its failure into the message the program's error carries, worded as the
 * functions' {@link HostCallWording} says. It also
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
    private final HostCallWording wording;
    private final ExecutionLimits limits;
    private final Deadline deadline;
    private final int resultLimitBytes;
    private int calls;
    /** Whether a function may suspend the program ({@link SuspendCall}): only a session's VM can keep it waiting. */
    private boolean suspendable;
    private SessionState.PendingCall suspended;
    private volatile long functionCpuNanos;
    private volatile long functionStartedCpuNanos = -1;

    /**
     * @param resultCapacityBytes room the sandbox has for one reply; the effective cap is the smaller of this
     *     and the limits' result cap
     * @param deadline when the execution must end: handed to every host function, which bounds its waits by it
     */
    public HostCallDispatcher(HostFunctions functions, ExecutionLimits limits, int resultCapacityBytes, Deadline deadline) {
        this.functions = functions;
        this.wording = functions.wording();
        this.limits = limits;
        this.deadline = deadline;
        this.resultLimitBytes = Math.min(resultCapacityBytes, limits.maxHostCallResultBytes());
    }

    /** The error for a request the sandbox refused before dispatch because of its size. */
    public String requestTooLarge(long requestBytes, long limitBytes) {
        return wording.requestTooLarge(requestBytes, limitBytes);
    }

    /** How the guest's API names host functions, as the functions of this execution say. */
    public HostCallWording wording() {
        return wording;
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
        if (calls > limits.maxHostCalls()) {
            return error(wording.tooManyCalls(limits.maxHostCalls()));
        }
        if (call.argumentsJson() == null) {
            return error(JsonNesting.tooDeep("the arguments of '" + call.name() + "'", call.argumentsDepth()));
        }
        if (function == null) {
            return error(wording.unknownFunction(call.name(), functions.names()));
        }
        boolean countCpu = limits.cpuTimeIsBinding();
        long cpuBefore = countCpu ? THREADS.getCurrentThreadCpuTime() : 0;
        functionStartedCpuNanos = cpuBefore;
        String result;
        try {
            result = function.call(call.argumentsJson(), deadline);
        } catch (SuspendCall e) {
            if (!suspendable) {
                return error("'" + call.name() + "' asked to suspend the program, which only a session can do");
            }
            suspended = new SessionState.PendingCall(call.name(), call.argumentsJson(), e.getMessage());
            return error("suspended");
        } catch (Exception e) {
            String message = e.getMessage();
            return error(message == null || message.isBlank()
                    ? wording.failedWithoutMessage(e, call.name()) : message);
        } finally {
            if (countCpu) {
                functionCpuNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
            }
            functionStartedCpuNanos = -1;
            Thread.interrupted(); // a watchdog interrupt aimed at this call must not leak into the program
        }
        return resultReply(call.name(), result);
    }

    /** What the program gets for a suspended call when its session resumes: as {@link #dispatch} would have answered. */
    public Reply answer(String name, HostCallAnswer answer) {
        return answer.ok() ? resultReply(name, answer.text()) : error(answer.text());
    }

    /** The result of {@code name} as the program gets it, unless it is too large or too deep. */
    private Reply resultReply(String name, String result) {
        byte[] bytes = (result == null ? "null" : result).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > resultLimitBytes) {
            return error(wording.resultTooLarge(bytes.length, resultLimitBytes));
        }
        int depth = result == null ? 0 : JsonNesting.depth(result);
        if (depth > JsonNesting.MAX_DEPTH) {
            return error(JsonNesting.tooDeep("the result of '" + name + "'", depth));
        }
        return new Reply(true, bytes);
    }

    /** Lets host functions suspend the program, and counts on from {@code callsBefore} calls made before a suspension. */
    void allowSuspension(int callsBefore) {
        suspendable = true;
        calls = callsBefore;
    }

    /** The call a host function suspended the program at, or null; the program must not be answered then. */
    SessionState.PendingCall suspended() {
        return suspended;
    }

    /** True while a host function runs (it may be waiting on something an interrupt would end). */
    public boolean inHostFunction() {
        return functionStartedCpuNanos >= 0;
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
        long inFunction = functionStartedCpuNanos;
        long now = inFunction >= 0 ? inFunction : THREADS.getThreadCpuTime(threadId);
        return now - threadCpuAtStart - functionCpuNanos;
    }

    private static Reply error(String message) {
        return new Reply(false, message.getBytes(StandardCharsets.UTF_8));
    }
}
