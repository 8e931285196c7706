package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxException;
import dev.codeact.hyperlight.abi.ConsoleCapture;
import dev.codeact.hyperlight.abi.GuestOutcome;
import dev.codeact.hyperlight.abi.GuestProtocolException;
import dev.codeact.hyperlight.HostCallDispatcher;
import dev.codeact.hyperlight.abi.Mailbox;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.CodeSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Programs run in GraalJS (community edition) inside this JVM: the in-process alternative to the KVM backend.
 *
 * <p>The program-facing API is the KVM guest's own: the same {@code runtime.js} (from hyperlight-jna's jar)
 * installs {@code console}, {@code call_tool}, {@code ToolError} and {@code performance} over a {@code native}
 * object, the program runs as the body of {@code (async function () {...})} evaluated as {@code program.js},
 * promise jobs are drained, and runtime.js's encoder produces the same outcome JSON, decoded with
 * {@link GuestOutcome}. Console output, host calls and their limits follow {@code MicroVm}: the same caps,
 * the same error types and the same messages.
 *
 * <p>Each execution gets a fresh {@link Context} on one shared {@link Engine} (so parsed code, including
 * runtime.js, is shared), with {@link SandboxPolicy#CONSTRAINED} and {@link HostAccess#CONSTRAINED}: no host object
 * is ever handed to the program, which sees only the proxies of the {@code native} object. There is no IO, thread
 * creation, native access, process, environment or polyglot access; the {@code load}, {@code print}, {@code Graal}
 * and {@code console} builtins are removed (runtime.js installs its own {@code console}); the time zone is UTC,
 * as in the QuickJS guest, and the default locale en-US, as there. {@code Intl} is GraalJS's own (ICU4J, the CLDR
 * version of Node 20's ICU), with runtime.js's changes for V8's ways; the guest carries FormatJS's (see the README). The program runs on a thread of its own, whose Java stack is sized from {@link
 * ExecutionLimits#stackBytes()}, so recursion depth does not depend on the caller's thread; host functions are
 * called on that thread, as the KVM backend calls them on its vCPU thread.
 *
 * <p>Limits:
 * <ul>
 *   <li>wall-clock timeout: at the deadline the context is cancelled ({@code close(true)}), which JavaScript
 *       cannot catch; {@link ErrorType#TIMEOUT}. A host function that ignores interruption and never returns
 *       is abandoned two seconds after the deadline, as in the KVM backend;</li>
 *   <li>CPU time: the program thread's CPU time since the program started (context set-up excluded) is polled,
 *       time spent inside host functions left out as in the KVM backend, and the context is cancelled;
 *       {@link ErrorType#CPU_LIMIT}. ({@code sandbox.MaxCPUTime} is not used: it counts host-function time.)</li>
 *   <li>stack: GraalJS turns a Java stack overflow into a catchable {@code RangeError: Maximum call stack size
 *       exceeded}, reported uncaught as {@link ErrorType#STACK_OVERFLOW};</li>
 *   <li>console output, tool request and result sizes, tool-call count, program and result sizes: as in the
 *       KVM backend.</li>
 * </ul>
 *
 * <p><b>Weaker isolation than the KVM backend.</b> The program runs inside this JVM, separated from it only by
 * the Truffle sandbox (a software boundary, no hardware one). Community GraalJS has no heap cap: {@link
 * ExecutionLimits#memoryBytes()} is <em>not enforced</em>. A program that allocates without bound fills the JVM
 * heap, and the resulting {@link OutOfMemoryError} is reported as {@link ErrorType#OUT_OF_MEMORY} when it
 * surfaces in the execution, but it may also hit other threads of the application first. Use the KVM backend
 * for untrusted code, or run this backend in a JVM of its own.
 */
public final class GraalJsCodeSandbox implements CodeSandbox {
    public static final String NAME = "graaljs";
    /** Where hyperlight-jna packages the guest's program-facing JavaScript. */
    public static final String RUNTIME_RESOURCE = "/dev/codeact/hyperlight/guest/runtime.js";

    /** Node's default locale under LANG=C.UTF-8, and the guest's; the JVM's default would be the host's. */
    private static final String DEFAULT_LOCALE = "en-US";
    private static final String PROGRAM_PREFIX = "(async function () {";
    private static final String PROGRAM_SUFFIX = "\n})";
    /**
     * Calls the compiled program and records how its promise settles. Promise.prototype.then and Reflect.apply
     * are captured before the program runs, so that it cannot tamper with them; GraalJS drains the promise
     * jobs when the call returns to Java, after which the state is final ({@code settled}: 0 pending, 1
     * fulfilled, 2 rejected).
     */
    private static final String RUNNER = """
            (function () {
              'use strict';
              const apply = Reflect.apply, then = Promise.prototype.then;
              return function run(program) {
                const state = { settled: 0, value: undefined };
                let promise;
                try {
                  promise = apply(program, undefined, []);
                } catch (e) {
                  state.settled = 2;
                  state.value = e;
                  return state;
                }
                apply(then, promise, [(v) => { state.settled = 1; state.value = v; },
                                      (e) => { state.settled = 2; state.value = e; }]);
                return state;
              };
            })()""";
    private static final String ENCODE_FAILED_OUTCOME =
            "{\"ok\":false,\"type\":\"RUNTIME\",\"name\":\"InternalError\",\"message\":\"the outcome could not be encoded\"}";
    private static final String STACK_OVERFLOW_MESSAGE = "RangeError: Maximum call stack size exceeded";
    /** GraalJS's JSON parser has a nesting limit where QuickJS's runs out of stack. */
    private static final String JSON_NESTING_MESSAGE = "RangeError: Cannot parse JSON constructs nested that deep";
    /** The runner's frames in a stack trace: not the program's, so they are left out as in the KVM backend. */
    private static final Pattern RUNNER_FRAME = Pattern.compile(
            "\\n\\s*at [^\\n]*\\(runner\\.js:\\d+:\\d+\\)");

    /** How long a caller waits past the deadline for a host function that ignores interruption. */
    private static final long STUCK_HOST_FUNCTION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * The program thread's Java stack: a fixed part that GraalJS and Truffle use before and around the program,
     * plus 1.5 bytes per byte of {@link ExecutionLimits#stackBytes()}, as an interpreted GraalJS call takes about
     * 1.5 times the stack of a QuickJS call. Measured on JDK 17 with GraalJS 25.1.3: with the default 512 KiB
     * limit a simple recursive function gets 700 to 850 calls deep in either backend.
     */
    private static final long THREAD_STACK_BASE_BYTES = 512L << 10;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Seeds each execution's Math.random: a CSPRNG, so no execution can predict another's sequence. */
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();
    private static final AtomicLong THREAD_SEQUENCE = new AtomicLong();
    /** Runs the blocking {@code close(true)} of a context that must stop, off the caller's and the program's threads. */
    private static final ExecutorService CANCELLER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "codeact-graaljs-cancel");
        t.setDaemon(true);
        return t;
    });

    static {
        // On JDK 17 Truffle cannot attach its native helper library; it works without it, but says so on stderr.
        if (System.getProperty("polyglotimpl.AttachLibraryFailureAction") == null) {
            System.setProperty("polyglotimpl.AttachLibraryFailureAction", "ignore");
        }
    }

    private final Engine engine;
    private final Source runtime;
    private final Source runner;
    private final int maxProgramBytes;
    private final int maxResultBytes;
    private volatile boolean closed;

    private GraalJsCodeSandbox(Engine engine, int maxProgramBytes, int maxResultBytes) {
        this.engine = engine;
        this.maxProgramBytes = maxProgramBytes;
        this.maxResultBytes = maxResultBytes;
        this.runtime = Source.newBuilder("js", readRuntime(), "runtime.js").cached(true).buildLiteral();
        this.runner = Source.newBuilder("js", RUNNER, "runner.js").cached(true).buildLiteral();
    }

    /**
     * A sandbox with the KVM backend's default program and result caps ({@link GuestMemorySizes#defaults()}'s
     * IN and OUT buffers), warmed up so that the first execution does not pay for the engine's start.
     */
    public static GraalJsCodeSandbox create() {
        GuestMemorySizes sizes = GuestMemorySizes.defaults();
        return create(sizes.inBufferBytes(), sizes.outBufferBytes());
    }

    /**
     * A warmed-up sandbox.
     *
     * @param maxProgramBytes programs larger than this (UTF-8) fail as {@link ErrorType#SYNTAX}, like the KVM
     *     backend's IN buffer; host-call results are capped at the smaller of this and the execution's limit
     * @param maxResultBytes outcomes larger than this fail as {@link ErrorType#OUTPUT_LIMIT}, like the KVM
     *     backend's OUT buffer; host-call requests are capped at the smaller of this and the execution's limit
     */
    public static GraalJsCodeSandbox create(int maxProgramBytes, int maxResultBytes) {
        if (maxProgramBytes < 1 || maxResultBytes < 1) {
            throw new IllegalArgumentException("program and result caps must be positive");
        }
        Engine engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(DISCARD)
                .err(DISCARD)
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        GraalJsCodeSandbox sandbox;
        try {
            sandbox = new GraalJsCodeSandbox(engine, maxProgramBytes, maxResultBytes);
        } catch (RuntimeException e) {
            engine.close(true);
            throw e;
        }
        sandbox.warmUp();
        return sandbox;
    }

    @Override
    public String backend() {
        return NAME;
    }

    @Override
    public ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(functions, "functions");
        Objects.requireNonNull(limits, "limits");
        long started = System.nanoTime();
        if (closed) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the graaljs sandbox is closed");
        }
        int programBytes = utf8Length(code);
        if (programBytes > maxProgramBytes) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.SYNTAX, "the program is " + programBytes
                    + " bytes, the limit is " + maxProgramBytes + " bytes"), Duration.ZERO);
        }
        Run run = new Run(started, code, functions, limits);
        Thread thread = new Thread(null, run::work, "codeact-graaljs-" + THREAD_SEQUENCE.incrementAndGet(),
                THREAD_STACK_BASE_BYTES + limits.stackBytes() / 2 * 3);
        thread.setDaemon(true);
        run.thread = thread;
        thread.start();
        return run.await();
    }

    /** Closes the engine; executions still running are cancelled. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            // already closed, or a context could not be cancelled: nothing more to do
        }
    }

    // ---------------------------------------------------------------- internals

    private void warmUp() {
        HostFunctions echo = HostFunctions.builder().register("echo", HostFunctions.echo()).build();
        for (int i = 0; i < 3; i++) {
            ExecutionResult r = execute("""
                    console.log('warm', { up: [1, 2n] }); console.error(new Error('e'));
                    try { call_tool('missing'); } catch (e) { }
                    const r = await call_tool('echo', { i: %d, s: 'x'.repeat(10) });
                    if (%d === 0) { // once: parses the bundled libraries, which every context then shares
                      console.log(new Map([[1, new URL('https://a.example/?q=1')]]), crypto.randomUUID());
                      await new Promise((resolve) => setTimeout(resolve, 1));
                    }
                    return [r, Math.random() < 1, performance.now() >= 0, JSON.stringify(new Map())];""".formatted(i, i),
                    echo, ExecutionLimits.defaults());
            if (r.error() != null) {
                close();
                throw new IllegalStateException("the graaljs sandbox does not work: " + r.error().message());
            }
        }
    }

    private Context newContext() {
        return Context.newBuilder("js")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .allowHostAccess(HostAccess.CONSTRAINED)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowInnerContextOptions(false)
                .in(InputStream.nullInputStream())
                .out(DISCARD)
                .err(DISCARD)
                .timeZone(ZoneOffset.UTC)
                .option("js.locale", DEFAULT_LOCALE)
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.console", "false")
                .option("js.graal-builtin", "false")
                .build();
    }

    private static String readRuntime() {
        try (InputStream in = GraalJsCodeSandbox.class.getResourceAsStream(RUNTIME_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + RUNTIME_RESOURCE
                        + " is missing; it comes with the hyperlight-jna jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RUNTIME_RESOURCE, e);
        }
    }

    private static int utf8Length(String s) {
        int n = s.length();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long cpuPollNanos(Duration cpuTime) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(10), cpuTime.toNanos() / 10));
    }

    private static void closeQuietly(Context context) {
        try {
            context.close(true);
        } catch (RuntimeException e) {
            // a context that hit a limit, or was closed by the other side, may refuse a second close
        }
    }

    /** What the program thread hands back: the result JSON or the error. */
    private record Outcome(String resultJson, ExecutionError error) {
        static Outcome of(ErrorType type, String message) {
            return new Outcome(null, ExecutionError.of(type, message));
        }
    }

    /** One execution: its program thread, its context, and the state the caller's watch loop shares with them. */
    private final class Run {
        final long startedNanos;
        final String code;
        final HostFunctions functions;
        final ExecutionLimits limits;
        final ConsoleCapture console;
        final AtomicReference<ErrorType> stopReason = new AtomicReference<>();
        final CompletableFuture<Outcome> done = new CompletableFuture<>();
        final SplittableRandom random = new SplittableRandom(SEEDS.nextLong());
        final double timeOrigin = System.currentTimeMillis();
        Thread thread;
        volatile Context context;
        /** CPU time of the program thread when the program started, or -1 before. */
        volatile long cpuAtStart = -1;
        final HostCallDispatcher hostCalls;

        Run(long startedNanos, String code, HostFunctions functions, ExecutionLimits limits) {
            this.startedNanos = startedNanos;
            this.code = code;
            this.functions = functions;
            this.limits = limits;
            this.console = new ConsoleCapture(limits.outputBytesPerStream());
            this.hostCalls = new HostCallDispatcher(functions, limits, maxProgramBytes,
                    new Deadline(startedNanos + limits.timeout().toNanos()));
        }

        // ------------------------------------------------------------ caller's thread

        ExecutionResult await() {
            long deadline = startedNanos + limits.timeout().toNanos();
            boolean pollCpu = limits.cpuTimeIsBinding();
            long pollNanos = cpuPollNanos(limits.cpuTime());
            long giveUpAt = 0;
            boolean deadlinePassed = false;
            Outcome outcome;
            while (true) {
                long now = System.nanoTime();
                if (!deadlinePassed && now - deadline >= 0) {
                    deadlinePassed = true;
                    giveUpAt = now + STUCK_HOST_FUNCTION_GRACE_NANOS;
                    stop(ErrorType.TIMEOUT);
                    Thread t = thread;
                    if (hostCalls.inHostFunction()) {
                        t.interrupt(); // a host function waiting on something may give up
                    }
                }
                if (deadlinePassed && now - giveUpAt >= 0) {
                    return ExecutionResult.failure(limits.stuckInHostFunction(), Duration.ofNanos(System.nanoTime() - startedNanos));
                }
                if (pollCpu && !deadlinePassed) {
                    checkCpu();
                }
                long until = deadlinePassed ? giveUpAt : deadline;
                if (pollCpu && !deadlinePassed) {
                    until = Math.min(until, now + pollNanos);
                }
                try {
                    outcome = done.get(Math.max(0, until - now), TimeUnit.NANOSECONDS);
                    break;
                } catch (TimeoutException e) {
                    // look at the deadline and the CPU time again
                } catch (InterruptedException e) {
                    stop(ErrorType.SANDBOX_FAILURE);
                    Thread.currentThread().interrupt();
                    throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for the sandbox", e);
                } catch (ExecutionException e) {
                    outcome = Outcome.of(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + e.getCause());
                    break;
                }
            }
            if (stopReason.get() != null && (outcome.error() == null || outcome.error().type() != ErrorType.OUT_OF_MEMORY)) {
                // Stopped before the outcome was handed over: whatever the program did after the stop began (a tool
                // interrupted by it threw, and the program ended before the context's cancellation landed) is the stop.
                outcome = new Outcome(null, stopError());
            }
            ExecutionError error = outcome.error();
            return new ExecutionResult(console.stdout(), console.stdoutTruncated(), console.stderr(),
                    console.stderrTruncated(), error == null ? outcome.resultJson() : null, error,
                    Duration.ofNanos(System.nanoTime() - startedNanos), hostCalls.calls());
        }

        private void checkCpu() {
            long atStart = cpuAtStart;
            if (atStart < 0) {
                return;
            }
            if (hostCalls.programCpuNanos(thread.getId(), atStart) > limits.cpuTime().toNanos()) {
                stop(ErrorType.CPU_LIMIT);
            }
        }

        // ------------------------------------------------------------ any thread

        /** Cancels the context, which JavaScript cannot catch; the first reason wins. */
        void stop(ErrorType reason) {
            if (!stopReason.compareAndSet(null, reason)) {
                return;
            }
            Context c = context;
            if (c != null) {
                CANCELLER.execute(() -> closeQuietly(c));
            }
            Thread t = thread;
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t); // a program asleep until its next timer wakes to stop
            }
        }

        ExecutionError stopError() {
            return limits.stoppedBy(stopReason.get());
        }

        // ------------------------------------------------------------ program thread

        void work() {
            Outcome outcome;
            try {
                outcome = runProgram();
            } catch (Throwable t) {
                outcome = failure(t);
            }
            if (outcome.error() == null && (console.stdoutTruncated() || console.stderrTruncated())) {
                stopReason.compareAndSet(null, ErrorType.OUTPUT_LIMIT);
                outcome = new Outcome(null, stopError());
            }
            done.complete(outcome);
            Context c = context;
            if (c != null) {
                closeQuietly(c); // after the caller has its result: closing is not part of the latency
            }
        }

        private Outcome runProgram() {
            Context c;
            try {
                c = newContext();
            } catch (IllegalStateException e) {
                return Outcome.of(ErrorType.SANDBOX_FAILURE, closed ? "the graaljs sandbox is closed"
                        : "could not create a GraalJS context: " + e.getMessage());
            }
            context = c;
            if (stopReason.get() != null) {
                return new Outcome(null, stopError());
            }
            Value hooks = c.eval(runtime).execute(natives());
            Value encode = hooks.getMember("encode");
            Value tick = hooks.getMember("tick");
            Value run = c.eval(runner);
            cpuAtStart = THREADS.getCurrentThreadCpuTime();
            Value program;
            try {
                program = c.eval(Source.newBuilder("js", PROGRAM_PREFIX + code + PROGRAM_SUFFIX, "program.js")
                        .cached(false).buildLiteral());
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
            long deadline = startedNanos + limits.timeout().toNanos();
            while (state.getMember("settled").asInt() == 0 && stopReason.get() == null) {
                double waitMs = tick.execute().asDouble();
                if (!(waitMs >= 0)) {
                    return;
                }
                long now = System.nanoTime();
                long until = now + Math.min(Math.max(0, deadline - now), (long) Math.min(Long.MAX_VALUE / 2.0, waitMs * 1e6));
                while (stopReason.get() == null && until - (now = System.nanoTime()) > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(this, until - now);
                }
            }
        }

        private String encode(Value encode, String phase, boolean ok, Object value) {
            try {
                return encode.execute(phase, ok, value).asString();
            } catch (PolyglotException e) {
                if (isStop(e) || isResourceFailure(e)) {
                    throw e;
                }
                return ENCODE_FAILED_OUTCOME;
            }
        }

        /** The program threw while being compiled or run: its own exception goes through runtime.js's encoder. */
        private Outcome failure(String phase, PolyglotException e, Value encode) {
            if (isStop(e) || isResourceFailure(e) || !e.isGuestException()) {
                return failure(e);
            }
            Value error = e.getGuestObject();
            if (error == null) {
                return decode(ENCODE_FAILED_OUTCOME);
            }
            return decode(encode(encode, phase, false, error));
        }

        private boolean isStop(PolyglotException e) {
            return (e.isCancelled() || e.isInterrupted()) && stopReason.get() != null;
        }

        private boolean isResourceFailure(PolyglotException e) {
            return e.isResourceExhausted() || e.isCancelled() || e.isInterrupted() || e.isInternalError()
                    || e.isHostException();
        }

        /** Anything but the program's own JavaScript exception: a stop, exhaustion, or a failure of the sandbox. */
        private Outcome failure(Throwable t) {
            if (stopReason.get() != null && !(t instanceof OutOfMemoryError)) {
                return new Outcome(null, stopError());
            }
            Throwable cause = t instanceof PolyglotException pe && pe.isHostException() ? pe.asHostException() : t;
            if (isOutOfMemory(cause)) {
                return Outcome.of(ErrorType.OUT_OF_MEMORY, "the execution ran out of memory: the JVM heap is exhausted"
                        + " (the graaljs backend cannot enforce the " + limits.memoryBytes() + "-byte memory limit)");
            }
            if (cause instanceof StackOverflowError
                    || cause.getMessage() != null && cause.getMessage().contains("StackOverflowError")) {
                return new Outcome(null, new ExecutionError(ErrorType.STACK_OVERFLOW, STACK_OVERFLOW_MESSAGE, "RangeError", null));
            }
            if (cause instanceof PolyglotException pe && pe.isCancelled()) {
                return Outcome.of(ErrorType.SANDBOX_FAILURE, closed ? "the graaljs sandbox was closed during the execution"
                        : "the execution was cancelled");
            }
            if (cause instanceof IllegalStateException && closed) {
                return Outcome.of(ErrorType.SANDBOX_FAILURE, "the graaljs sandbox was closed during the execution");
            }
            return Outcome.of(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + cause);
        }

        private boolean isOutOfMemory(Throwable t) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            if (t instanceof PolyglotException pe && pe.isResourceExhausted()) {
                String m = String.valueOf(pe.getMessage()).toLowerCase(Locale.ROOT);
                return m.contains("heap") || m.contains("memory");
            }
            return false;
        }

        private Outcome decode(String outcomeJson) {
            byte[] bytes = outcomeJson.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > maxResultBytes) {
                bytes = ("{\"ok\":false,\"type\":\"OUTPUT_LIMIT\",\"name\":\"RangeError\",\"message\":"
                        + "\"the result is " + bytes.length + " bytes of JSON, the limit is " + maxResultBytes + " bytes\"}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            GuestOutcome outcome;
            try {
                outcome = GuestOutcome.decode(bytes);
            } catch (GuestProtocolException e) {
                return Outcome.of(ErrorType.SANDBOX_FAILURE, "runtime.js produced an unreadable outcome: " + e.getMessage());
            }
            ExecutionError error = outcome.error();
            if (outcome.interrupted()) {
                error = stopReason.get() != null ? stopError()
                        : new ExecutionError(ErrorType.RUNTIME, "InternalError: interrupted", "InternalError", null);
            } else if (error != null) {
                boolean overflow = error.type() == ErrorType.RUNTIME && "RangeError".equals(error.name())
                        && (STACK_OVERFLOW_MESSAGE.equals(error.message()) || JSON_NESTING_MESSAGE.equals(error.message()));
                String stack = error.stack() == null ? null : RUNNER_FRAME.matcher(error.stack()).replaceAll("");
                error = new ExecutionError(overflow ? ErrorType.STACK_OVERFLOW : error.type(), error.message(), error.name(), stack);
            }
            return new Outcome(outcome.resultJson(), error);
        }

        private ProxyObject natives() {
            return ProxyObject.fromMap(Map.of(
                    "write", (ProxyExecutable) this::write,
                    "host_call", (ProxyExecutable) this::hostCall,
                    "random", (ProxyExecutable) args -> random.nextDouble(),
                    "now_ms", (ProxyExecutable) args -> (System.nanoTime() - startedNanos) / 1e6,
                    "time_origin", (ProxyExecutable) args -> timeOrigin,
                    // an Error object by what GraalJS knows it to be, not by its prototype
                    "is_error", (ProxyExecutable) args -> args.length > 0 && args[0].isException(),
                    // GraalJS reports stack exhaustion as a RangeError; decode() tells it by its message
                    "stack_overflowed", (ProxyExecutable) args -> false,
                    // crypto.getRandomValues: the JVM's CSPRNG
                    "random_fill", (ProxyExecutable) this::randomFill));
        }

        /** native.random_fill(uint8Array): fills it with bytes from the CSPRNG. */
        private Object randomFill(Value... args) {
            Value array = args.length > 0 ? args[0] : null;
            if (array == null || !array.hasArrayElements()) {
                throw new IllegalArgumentException("random_fill: a Uint8Array is needed");
            }
            byte[] bytes = new byte[(int) Math.min(65536, array.getArraySize())];
            SEEDS.nextBytes(bytes);
            for (int i = 0; i < bytes.length; i++) {
                array.setArrayElement(i, bytes[i] & 0xFF);
            }
            return null;
        }

        /** native.write(stream, text): one console record, as the guest's log buffer would hold it. */
        private Object write(Value... args) {
            int stream = args.length > 0 && args[0].fitsInInt() && args[0].asInt() == Mailbox.STREAM_STDERR
                    ? Mailbox.STREAM_STDERR : Mailbox.STREAM_STDOUT;
            if (stream == Mailbox.STREAM_STDOUT ? console.stdoutTruncated() : console.stderrTruncated()) {
                return null;
            }
            String text = args.length < 2 ? "" : args[1].isString() ? args[1].asString() : args[1].toString();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            byte[] record = new byte[Mailbox.LOG_RECORD_HEADER_BYTES + bytes.length];
            ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).put((byte) stream).putInt(bytes.length).put(bytes);
            try {
                if (!console.append(record)) {
                    stop(ErrorType.OUTPUT_LIMIT);
                }
            } catch (GuestProtocolException e) {
                throw new IllegalStateException(e); // cannot happen: the record is built right above
            }
            return null;
        }

        /** native.host_call(requestJson) -> [ok, replyText], with the KVM host's checks and messages. */
        private Object hostCall(Value... args) {
            String requestText = args.length > 0 && args[0].isString() ? args[0].asString() : "";
            byte[] request = requestText.getBytes(StandardCharsets.UTF_8);
            int requestLimit = Math.min(maxResultBytes, limits.maxToolRequestBytes());
            if (request.length > requestLimit) {
                return ProxyArray.fromArray(false, HostCallDispatcher.requestTooLarge(request.length, requestLimit));
            }
            try {
                HostCallDispatcher.Reply reply = hostCalls.dispatch(request);
                if (System.nanoTime() - (startedNanos + limits.timeout().toNanos()) >= 0) {
                    stop(ErrorType.TIMEOUT); // as in the KVM backend: a call that outlived the deadline ends the program
                }
                return ProxyArray.fromArray(reply.ok(), new String(reply.bytes(), StandardCharsets.UTF_8));
            } catch (GuestProtocolException e) {
                return ProxyArray.fromArray(false, e.getMessage());
            }
        }
    }
}
