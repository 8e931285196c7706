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
import java.nio.charset.StandardCharsets;
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
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * One in-process execution, whatever the language: its program thread, its context, and the {@link
 * ExecutionSupervisor} (the one the KVM backend uses too) that watches its deadline and CPU time. The program thread
 * runs the program ({@link #runProgram()}, the language's part) and hands over the outcome; the caller waits for it
 * until the supervisor gives up on a stuck host function, and a stop cancels the context, which the program cannot
 * catch. Console writes and host calls of the guest code go through {@link #write} and {@link #hostCallFromGuest},
 * with the KVM host's caps, checks and messages.
 */
abstract class GraalRun implements ExecutionSupervisor.Stopper {
    private static final AtomicLong THREAD_SEQUENCE = new AtomicLong();
    /** Runs the blocking {@code close(true)} of a context that must stop, off the caller's and the program's threads. */
    private static final ExecutorService CANCELLER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "codeact-graal-cancel");
        t.setDaemon(true);
        return t;
    });

    final long startedNanos;
    final ExecutionLimits limits;
    final ConsoleCapture console;
    final HostCallDispatcher hostCalls;
    final ExecutionSupervisor supervisor;
    private final String backend;
    private final int requestCapacityBytes;
    private final CompletableFuture<GraalOutcome> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile Context context;

    /**
     * @param backend the backend's name, for the thread and the messages
     * @param maxProgramBytes the sandbox's room for a host-call result, as the KVM guest's IN buffer
     * @param requestCapacityBytes the sandbox's room for one host-call request, as the KVM guest's OUT buffer
     * @param threadStackBytes the program thread's Java stack
     */
    GraalRun(String backend, long startedNanos, HostFunctions functions, ExecutionLimits limits, int maxProgramBytes,
             int requestCapacityBytes, long threadStackBytes) {
        this.backend = backend;
        this.startedNanos = startedNanos;
        this.limits = limits;
        this.requestCapacityBytes = requestCapacityBytes;
        this.console = new ConsoleCapture(limits.outputBytesPerStream());
        // the in-process stop is the context's cancellation at once; a host function it finds running is interrupted
        this.supervisor = new ExecutionSupervisor(startedNanos, functions, limits, maxProgramBytes, Duration.ZERO, this);
        this.hostCalls = supervisor.hostCalls();
        this.thread = new Thread(null, this::work, "codeact-" + backend + "-" + THREAD_SEQUENCE.incrementAndGet(),
                threadStackBytes);
        thread.setDaemon(true);
    }

    /** Runs the program on the program thread, in a context handed to {@link #attach}; its outcome. */
    abstract GraalOutcome runProgram();

    /** Whether the sandbox has been closed (a failure is then the close's). */
    abstract boolean sandboxClosed();

    // ---------------------------------------------------------------- caller's thread

    /** Starts the program thread and waits for the outcome under the limits. */
    final ExecutionResult execute() {
        thread.start();
        supervisor.arm();
        GraalOutcome outcome;
        try {
            outcome = done.get(Math.max(0, supervisor.giveUpAtNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return supervisor.abandon(); // stuck in a host function that ignores interruption
        } catch (InterruptedException e) {
            stop(ErrorType.SANDBOX_FAILURE);
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for the sandbox", e);
        } catch (ExecutionException e) {
            outcome = GraalOutcome.of(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + e.getCause());
        }
        if (supervisor.stopReason() != null && (outcome.error() == null || outcome.error().type() != ErrorType.OUT_OF_MEMORY)) {
            // Stopped before the outcome was handed over: whatever the program did after the stop began (a host
            // function interrupted by it threw, and the program ended before the context's cancellation landed) is the stop.
            outcome = GraalOutcome.stopped(stopError());
        }
        ExecutionError error = outcome.error();
        return new ExecutionResult(console.stdout(), console.stdoutTruncated(), console.stderr(),
                console.stderrTruncated(), error == null ? outcome.resultJson() : null, error,
                Duration.ofNanos(System.nanoTime() - startedNanos), hostCalls.calls());
    }

    /** Stops the execution for {@code reason} (the first reason wins): the supervisor cancels the context. */
    final void stop(ErrorType reason) {
        supervisor.stop(reason);
    }

    /** The context's cancellation, which the program cannot catch; a program asleep until its timer wakes. */
    @Override
    public final void requestStop(ErrorType reason) {
        Context c = context;
        if (c != null) {
            CANCELLER.execute(() -> GraalJsEngine.closeQuietly(c));
        }
    }

    /** Interrupts the program's thread only inside a host function, which may then give up its wait. */
    @Override
    public final boolean forceStop() {
        return hostCalls.inHostFunction();
    }

    /** The error of the stop that ended the execution, or null when it was not stopped. */
    final ExecutionError stopError() {
        return supervisor.stopReason() == null ? null : supervisor.stopError();
    }

    // ---------------------------------------------------------------- program thread

    /** The execution's context, cancelled by a stop and closed when the execution ends; false when already stopped. */
    final boolean attach(Context c) {
        context = c;
        return supervisor.stopReason() == null;
    }

    /** A failure that is not the program's own exception: a stop, exhaustion, a failure of the sandbox. */
    final GraalOutcome failure(Throwable t) {
        return GraalOutcome.failure(t, stopError(), limits, backend, sandboxClosed());
    }

    /** Whether {@code e} is the cancellation of this execution's stop. */
    final boolean isStop(PolyglotException e) {
        return (e.isCancelled() || e.isInterrupted()) && supervisor.stopReason() != null;
    }

    private void work() {
        supervisor.enter();
        GraalOutcome outcome;
        try {
            outcome = runProgram();
        } catch (Throwable t) {
            outcome = failure(t);
        }
        if (outcome.error() == null && (console.stdoutTruncated() || console.stderrTruncated())) {
            supervisor.markStopped(ErrorType.OUTPUT_LIMIT);
            outcome = GraalOutcome.stopped(stopError());
        }
        supervisor.finish();
        done.complete(outcome);
        Context c = context;
        if (c != null) {
            GraalJsEngine.closeQuietly(c); // after the caller has its result: closing is not part of the latency
        }
    }

    /** The guest code's write(stream, text): one console write; past a stream's cap the execution stops. */
    final Object write(Value... args) {
        // the guest code numbers the streams as the guest's log records do; anything else is stdout
        ConsoleCapture.Stream numbered = args.length > 0 && args[0].fitsInInt() ? ConsoleCapture.Stream.byNumber(args[0].asInt()) : null;
        ConsoleCapture.Stream stream = numbered == null ? ConsoleCapture.Stream.STDOUT : numbered;
        if (console.truncated(stream)) {
            return null;
        }
        String text = args.length < 2 ? "" : args[1].isString() ? args[1].asString() : args[1].toString();
        if (!console.append(stream, text)) {
            stop(ErrorType.OUTPUT_LIMIT);
        }
        return null;
    }

    /** The guest code's host_call(requestJson) -> [ok, replyText], with the KVM host's checks and messages. */
    final Object hostCallFromGuest(Value... args) {
        String requestText = args.length > 0 && args[0].isString() ? args[0].asString() : "";
        byte[] request = requestText.getBytes(StandardCharsets.UTF_8);
        int requestLimit = Math.min(requestCapacityBytes, limits.maxHostCallRequestBytes());
        if (request.length > requestLimit) {
            return ProxyArray.fromArray(false, hostCalls.requestTooLarge(request.length, requestLimit));
        }
        try {
            HostCallDispatcher.Reply reply = supervisor.hostCall(request);
            return ProxyArray.fromArray(reply.ok(), new String(reply.bytes(), StandardCharsets.UTF_8));
        } catch (GuestProtocolException e) {
            return ProxyArray.fromArray(false, e.getMessage());
        }
    }
}
