package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ConsoleCapture;
import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.ExecutionSupervisor;
import dev.codeact.hyperlight.GuestProtocolException;
import dev.codeact.hyperlight.HostCallDispatcher;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * One execution: its program thread, its context, and the {@link ExecutionSupervisor} (the one the KVM backend uses
 * too) that watches its deadline and CPU time. The program thread compiles and runs the program, runs its timers, and
 * hands over the outcome; the caller waits for it until the supervisor gives up on a stuck host function, and a stop
 * cancels the context, which JavaScript cannot catch.
 */
final class GraalJsRun implements ExecutionSupervisor.Stopper {
    /**
     * The program thread's Java stack: a fixed part that GraalJS and Truffle use before and around the program,
     * plus 1.5 bytes per byte of {@link ExecutionLimits#stackBytes()}, as an interpreted GraalJS call takes about
     * 1.5 times the stack of a QuickJS call. Measured on JDK 17 with GraalJS 25.1.3: with the default 512 KiB
     * limit a simple recursive function gets 700 to 850 calls deep in either backend.
     */
    private static final long THREAD_STACK_BASE_BYTES = 512L << 10;
    private static final AtomicLong THREAD_SEQUENCE = new AtomicLong();
    /** Runs the blocking {@code close(true)} of a context that must stop, off the caller's and the program's threads. */
    private static final ExecutorService CANCELLER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "codeact-graaljs-cancel");
        t.setDaemon(true);
        return t;
    });

    final long startedNanos;
    final ExecutionLimits limits;
    final ConsoleCapture console;
    final HostCallDispatcher hostCalls;
    private final GraalJsCodeSandbox sandbox;
    private final String code;
    private final GraalJsNatives natives;
    private final ExecutionSupervisor supervisor;
    private final CompletableFuture<GraalJsOutcome> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile Context context;

    GraalJsRun(GraalJsCodeSandbox sandbox, long startedNanos, String code, HostFunctions functions, ExecutionLimits limits) {
        this.sandbox = sandbox;
        this.startedNanos = startedNanos;
        this.code = code;
        this.limits = limits;
        this.console = new ConsoleCapture(limits.outputBytesPerStream());
        // the in-process stop is the context's cancellation at once; a host function it finds running is interrupted
        this.supervisor = new ExecutionSupervisor(startedNanos, functions, limits, sandbox.maxProgramBytes, Duration.ZERO, this);
        this.hostCalls = supervisor.hostCalls();
        this.natives = new GraalJsNatives(this, sandbox.maxResultBytes);
        this.thread = new Thread(null, this::work, "codeact-graaljs-" + THREAD_SEQUENCE.incrementAndGet(),
                THREAD_STACK_BASE_BYTES + limits.stackBytes() / 2 * 3);
        thread.setDaemon(true);
    }

    // ---------------------------------------------------------------- caller's thread

    /** Starts the program thread and waits for the outcome under the limits. */
    ExecutionResult execute() {
        thread.start();
        supervisor.arm();
        GraalJsOutcome outcome;
        try {
            outcome = done.get(Math.max(0, supervisor.giveUpAtNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return supervisor.abandon(); // stuck in a host function that ignores interruption
        } catch (InterruptedException e) {
            stop(ErrorType.SANDBOX_FAILURE);
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for the sandbox", e);
        } catch (ExecutionException e) {
            outcome = GraalJsOutcome.of(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + e.getCause());
        }
        if (supervisor.stopReason() != null && (outcome.error() == null || outcome.error().type() != ErrorType.OUT_OF_MEMORY)) {
            // Stopped before the outcome was handed over: whatever the program did after the stop began (a host
            // function interrupted by it threw, and the program ended before the context's cancellation landed) is the stop.
            outcome = GraalJsOutcome.stopped(stopError());
        }
        ExecutionError error = outcome.error();
        return new ExecutionResult(console.stdout(), console.stdoutTruncated(), console.stderr(),
                console.stderrTruncated(), error == null ? outcome.resultJson() : null, error,
                Duration.ofNanos(System.nanoTime() - startedNanos), hostCalls.calls());
    }

    /** One host call of the program, under the execution's deadline. */
    HostCallDispatcher.Reply hostCall(byte[] request) throws GuestProtocolException {
        return supervisor.hostCall(request);
    }

    /** Stops the execution for {@code reason} (the first reason wins): the supervisor cancels the context. */
    void stop(ErrorType reason) {
        supervisor.stop(reason);
    }

    /** The context's cancellation, which JavaScript cannot catch; a program asleep until its timer wakes. */
    @Override
    public void requestStop(ErrorType reason) {
        Context c = context;
        if (c != null) {
            CANCELLER.execute(() -> GraalJsEngine.closeQuietly(c));
        }
    }

    /** Interrupts the program's thread only inside a host function, which may then give up its wait. */
    @Override
    public boolean forceStop() {
        return hostCalls.inHostFunction();
    }

    /** The error of the stop that ended the execution, or null when it was not stopped. */
    private ExecutionError stopError() {
        return supervisor.stopReason() == null ? null : supervisor.stopError();
    }

    // ---------------------------------------------------------------- program thread

    private void work() {
        supervisor.enter();
        GraalJsOutcome outcome;
        try {
            outcome = runProgram();
        } catch (Throwable t) {
            outcome = GraalJsOutcome.failure(t, stopError(), limits, sandbox.isClosed());
        }
        if (outcome.error() == null && (console.stdoutTruncated() || console.stderrTruncated())) {
            supervisor.markStopped(ErrorType.OUTPUT_LIMIT);
            outcome = GraalJsOutcome.stopped(stopError());
        }
        supervisor.finish();
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
        if (supervisor.stopReason() != null) {
            return GraalJsOutcome.stopped(stopError());
        }
        Value hooks = c.eval(sandbox.engine.runtime).execute(natives.object());
        Value encode = hooks.getMember("encode");
        Value tick = hooks.getMember("tick");
        Value run = c.eval(sandbox.engine.runner);
        supervisor.startCpuClock();
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
     * The guest's event loop (quickjs/runtime.c): GraalJS runs the promise jobs whenever a call returns to Java, so this
     * only runs due timers through runtime.js's tick(), and parks until the next one (no CPU time; a stop unparks
     * it), until the program's promise settles or nothing is left to wait for. A timer that throws ends the
     * program: tick() throws it.
     */
    private void runEventLoop(Value state, Value tick) {
        while (state.getMember("settled").asInt() == 0 && supervisor.stopReason() == null) {
            double waitMs = tick.execute().asDouble();
            if (!(waitMs >= 0)) {
                return;
            }
            supervisor.sleep((long) Math.min(Long.MAX_VALUE / 2.0, waitMs * 1e6));
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
        return (e.isCancelled() || e.isInterrupted()) && supervisor.stopReason() != null;
    }

    private GraalJsOutcome decode(String outcomeJson) {
        return GraalJsOutcome.decode(outcomeJson, sandbox.maxResultBytes, stopError());
    }
}
