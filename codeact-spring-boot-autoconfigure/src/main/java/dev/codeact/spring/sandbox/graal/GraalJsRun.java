package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ConsoleCapture;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostCallDispatcher;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * One execution: its program thread, its context, and the state the caller's wait ({@link GraalJsDeadline}) shares
 * with them. The program thread compiles and runs the program, runs its timers, and hands over the outcome; the
 * caller waits for it under the limits, and a stop cancels the context, which JavaScript cannot catch.
 */
final class GraalJsRun implements GraalJsDeadline.Supervised {
    /**
     * The program thread's Java stack: a fixed part that GraalJS and Truffle use before and around the program,
     * plus 1.5 bytes per byte of {@link ExecutionLimits#stackBytes()}, as an interpreted GraalJS call takes about
     * 1.5 times the stack of a QuickJS call. Measured on JDK 17 with GraalJS 25.1.3: with the default 512 KiB
     * limit a simple recursive function gets 700 to 850 calls deep in either backend.
     */
    private static final long THREAD_STACK_BASE_BYTES = 512L << 10;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final AtomicLong THREAD_SEQUENCE = new AtomicLong();
    /** Runs the blocking {@code close(true)} of a context that must stop, off the caller's and the program's threads. */
    private static final ExecutorService CANCELLER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "codeact-graaljs-cancel");
        t.setDaemon(true);
        return t;
    });

    final long startedNanos;
    final long deadlineNanos;
    final ExecutionLimits limits;
    final ConsoleCapture console;
    final HostCallDispatcher hostCalls;
    private final GraalJsCodeSandbox sandbox;
    private final String code;
    private final GraalJsNatives natives;
    private final AtomicReference<ErrorType> stopReason = new AtomicReference<>();
    private final CompletableFuture<GraalJsOutcome> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile Context context;
    /** CPU time of the program thread when the program started, or -1 before. */
    private volatile long cpuAtStart = -1;

    GraalJsRun(GraalJsCodeSandbox sandbox, long startedNanos, String code, HostFunctions functions, ExecutionLimits limits) {
        this.sandbox = sandbox;
        this.startedNanos = startedNanos;
        this.deadlineNanos = startedNanos + limits.timeout().toNanos();
        this.code = code;
        this.limits = limits;
        this.console = new ConsoleCapture(limits.outputBytesPerStream());
        this.hostCalls = new HostCallDispatcher(functions, limits, sandbox.maxProgramBytes, new Deadline(deadlineNanos));
        this.natives = new GraalJsNatives(this, sandbox.maxResultBytes);
        this.thread = new Thread(null, this::work, "codeact-graaljs-" + THREAD_SEQUENCE.incrementAndGet(),
                THREAD_STACK_BASE_BYTES + limits.stackBytes() / 2 * 3);
        thread.setDaemon(true);
    }

    // ---------------------------------------------------------------- caller's thread

    /** Starts the program thread and waits for the outcome under the limits. */
    ExecutionResult execute() {
        thread.start();
        GraalJsOutcome outcome;
        try {
            Optional<GraalJsOutcome> handedOver = GraalJsDeadline.await(done, deadlineNanos, limits, this);
            if (handedOver.isEmpty()) {
                return ExecutionResult.failure(limits.stuckInHostFunction(), Duration.ofNanos(System.nanoTime() - startedNanos));
            }
            outcome = handedOver.get();
        } catch (InterruptedException e) {
            stop(ErrorType.SANDBOX_FAILURE);
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for the sandbox", e);
        } catch (ExecutionException e) {
            outcome = GraalJsOutcome.of(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + e.getCause());
        }
        if (stopReason.get() != null && (outcome.error() == null || outcome.error().type() != ErrorType.OUT_OF_MEMORY)) {
            // Stopped before the outcome was handed over: whatever the program did after the stop began (a host
            // function interrupted by it threw, and the program ended before the context's cancellation landed) is the stop.
            outcome = GraalJsOutcome.stopped(stopError());
        }
        ExecutionError error = outcome.error();
        return new ExecutionResult(console.stdout(), console.stdoutTruncated(), console.stderr(),
                console.stderrTruncated(), error == null ? outcome.resultJson() : null, error,
                Duration.ofNanos(System.nanoTime() - startedNanos), hostCalls.calls());
    }

    @Override
    public void interruptHostFunction() {
        if (hostCalls.inHostFunction()) {
            thread.interrupt(); // a host function waiting on something may give up
        }
    }

    @Override
    public long programCpuNanos() {
        long atStart = cpuAtStart;
        return atStart < 0 ? -1 : hostCalls.programCpuNanos(thread.getId(), atStart);
    }

    // ---------------------------------------------------------------- any thread

    /** Cancels the context, which JavaScript cannot catch; the first reason wins. */
    @Override
    public void stop(ErrorType reason) {
        if (!stopReason.compareAndSet(null, reason)) {
            return;
        }
        Context c = context;
        if (c != null) {
            CANCELLER.execute(() -> GraalJsEngine.closeQuietly(c));
        }
        LockSupport.unpark(thread); // a program asleep until its next timer wakes to stop
    }

    /** The error of the stop that ended the execution, or null when it was not stopped. */
    private ExecutionError stopError() {
        ErrorType reason = stopReason.get();
        return reason == null ? null : limits.stoppedBy(reason);
    }

    // ---------------------------------------------------------------- program thread

    private void work() {
        GraalJsOutcome outcome;
        try {
            outcome = runProgram();
        } catch (Throwable t) {
            outcome = GraalJsOutcome.failure(t, stopError(), limits, sandbox.isClosed());
        }
        if (outcome.error() == null && (console.stdoutTruncated() || console.stderrTruncated())) {
            stopReason.compareAndSet(null, ErrorType.OUTPUT_LIMIT);
            outcome = GraalJsOutcome.stopped(stopError());
        }
        done.complete(outcome);
        Context c = context;
        if (c != null) {
            GraalJsEngine.closeQuietly(c); // after the caller has its result: closing is not part of the latency
        }
    }

    private GraalJsOutcome runProgram() {
        Context c;
        try {
            c = sandbox.engine.newContext();
        } catch (IllegalStateException e) {
            return GraalJsOutcome.of(ErrorType.SANDBOX_FAILURE, sandbox.isClosed() ? "the graaljs sandbox is closed"
                    : "could not create a GraalJS context: " + e.getMessage());
        }
        context = c;
        if (stopReason.get() != null) {
            return GraalJsOutcome.stopped(stopError());
        }
        Value hooks = c.eval(sandbox.engine.runtime).execute(natives.object());
        Value encode = hooks.getMember("encode");
        Value tick = hooks.getMember("tick");
        Value run = c.eval(sandbox.engine.runner);
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
        Value program;
        try {
            program = c.eval(GraalJsEngine.program(code));
        } catch (PolyglotException e) {
            return failure("compile", e, encode);
        }
        Value state;
        try {
            state = run.execute(program);
            runEventLoop(state, tick);
        } catch (PolyglotException e) {
            return failure("run", e, encode);
        }
        int settled = state.getMember("settled").asInt();
        Value value = state.getMember("value");
        return switch (settled) {
            case 1 -> decode(encode(encode, "run", true, value));
            case 2 -> decode(encode(encode, "run", false, value));
            default -> decode(encode(encode, "pending", false, null));
        };
    }

    /**
     * The guest's event loop (runtime.c): GraalJS runs the promise jobs whenever a call returns to Java, so this
     * only runs due timers through runtime.js's tick(), and parks until the next one (no CPU time; a stop unparks
     * it), until the program's promise settles or nothing is left to wait for. A timer that throws ends the
     * program: tick() throws it.
     */
    private void runEventLoop(Value state, Value tick) {
        while (state.getMember("settled").asInt() == 0 && stopReason.get() == null) {
            double waitMs = tick.execute().asDouble();
            if (!(waitMs >= 0)) {
                return;
            }
            long now = System.nanoTime();
            long until = now + Math.min(Math.max(0, deadlineNanos - now), (long) Math.min(Long.MAX_VALUE / 2.0, waitMs * 1e6));
            while (stopReason.get() == null && until - (now = System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, until - now);
            }
        }
    }

    private String encode(Value encode, String phase, boolean ok, Object value) {
        try {
            return encode.execute(phase, ok, value).asString();
        } catch (PolyglotException e) {
            if (isStop(e) || GraalJsOutcome.isResourceFailure(e)) {
                throw e;
            }
            return GraalJsOutcome.ENCODE_FAILED;
        }
    }

    /** The program threw while being compiled or run: its own exception goes through runtime.js's encoder. */
    private GraalJsOutcome failure(String phase, PolyglotException e, Value encode) {
        if (isStop(e) || GraalJsOutcome.isResourceFailure(e) || !e.isGuestException()) {
            return GraalJsOutcome.failure(e, stopError(), limits, sandbox.isClosed());
        }
        Value error = e.getGuestObject();
        if (error == null) {
            return decode(GraalJsOutcome.ENCODE_FAILED);
        }
        return decode(encode(encode, phase, false, error));
    }

    private boolean isStop(PolyglotException e) {
        return (e.isCancelled() || e.isInterrupted()) && stopReason.get() != null;
    }

    private GraalJsOutcome decode(String outcomeJson) {
        return GraalJsOutcome.decode(outcomeJson, sandbox.maxResultBytes, stopError());
    }
}
