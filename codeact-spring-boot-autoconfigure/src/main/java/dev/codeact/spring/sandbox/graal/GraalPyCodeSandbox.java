package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxException;
import dev.codeact.hyperlight.SandboxSizes;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Python programs run in GraalPy (community edition) inside this JVM: the in-process alternative to the KVM
 * backend's CPython guest.
 *
 * <p>The program contract is the KVM guest's own code: the guest's {@code boot.py} (from hyperlight-jna's jar) runs
 * in each context over a {@code _codeact} module whose functions are Java ({@link GraalPyNatives}, where the guest
 * has C), and each execution calls its {@code _codeact_run}: the program is a module body, the value of a final
 * expression statement is the result, {@code call_tool(name, args)} / {@code call_tool(name, **kwargs)} and {@code
 * ToolError}, top-level {@code await}, tracebacks with the program's lines only, SyntaxError as {@link
 * ErrorType#SYNTAX}, RecursionError as {@link ErrorType#STACK_OVERFLOW}. Console output, host calls and their
 * limits are the KVM host's (shared with GraalJS in {@link GraalRun}): the same caps, error types and messages.
 * GraalPy 25.0 implements Python 3.12 (the guest runs 3.13), with its own standard library.
 *
 * <p>Each execution gets a context of its own, booted ahead by {@link GraalPyContexts} on one shared engine
 * ({@link GraalPyEngine}), and closed after it, so nothing an execution does reaches the next. The context has
 * {@link org.graalvm.polyglot.SandboxPolicy#CONSTRAINED} and {@link org.graalvm.polyglot.HostAccess#CONSTRAINED}: no
 * host files (a file system without any, {@link NoHostFiles}), no native access (so no C extensions), no threads,
 * processes, environment or polyglot access; the time zone is UTC as in the guest.
 *
 * <p><b>Cost.</b> On a stock JDK GraalPy runs interpreted only, and a boot (a context, boot.py's imports of some
 * forty modules and its warm-up runs, which the KVM guest makes once before its snapshot) costs about 4 s on a
 * 2-CPU machine, the engine's first one about 20 s; {@code 1+1} on a booted context takes about 9 ms (median).
 * Executions coming faster than boots wait for one (up to the context wait, before their own clock starts).
 *
 * <p>Limits it enforces, as GraalJS does: the wall-clock timeout (the context is cancelled at the deadline, which
 * Python cannot catch; {@link ErrorType#TIMEOUT}); CPU time (the program thread's, host-function time left out;
 * {@link ErrorType#CPU_LIMIT}); console output per stream; host-call count, request and result sizes; program and
 * result sizes; recursion ({@link ErrorType#STACK_OVERFLOW}: GraalPy's interpreter ends a recursion when the
 * program thread's Java stack, sized from {@link ExecutionLimits#stackBytes()}, runs out).
 *
 * <p><b>What GraalPy cannot enforce.</b> {@link ExecutionLimits#memoryBytes()}: community GraalPy has no per-context
 * heap limit, so a program that allocates without bound fills the JVM heap; GraalPy then raises MemoryError, which
 * uncaught is {@link ErrorType#OUT_OF_MEMORY}, but a program can catch it (the guest never lets one see a failed
 * allocation), and other threads of the application may run out first. The depth a recursion reaches: about the
 * guest's 1000 calls with the default stack limit while HotSpot interprets GraalPy, up to about three times that once it
 * has compiled GraalPy's interpreter (smaller Java frames); Python's recursion limit is not what stops it. As with
 * GraalJS, the only boundary is the Truffle sandbox, a software one: use the KVM backend for untrusted code, or run
 * this one in a JVM of its own.
 *
 * <p>Other differences a program may see: GraalPy is Python 3.12 (its parser's SyntaxError messages; top-level
 * {@code await} runs the module body as a coroutine function over the module's globals, as 3.12 has no compiler flag
 * for it); {@code re} is TRegex, so patterns that backtrack catastrophically in CPython finish at once; {@code json}
 * has no nesting limit (the guest's C recursion limit ends a very deep one as STACK_OVERFLOW); GraalPy's json decoding
 * and its builtins are Python code read at run time, so a program that rewires builtins garbles its own tool replies
 * and outcome (only its own: each execution has a fresh context); a program's own uncaught {@code MemoryError} is
 * {@link ErrorType#OUT_OF_MEMORY} too. The contract's cases it deviates in are listed, with these reasons, in its
 * contract test ({@code GraalPyPythonContractTest.knownDeviations}).
 */
public final class GraalPyCodeSandbox implements CodeSandbox {
    public static final String NAME = "graalpy";
    /** Booted contexts waiting by default: one, booted while the previous execution runs. */
    public static final int DEFAULT_READY_CONTEXTS = 1;
    private static final Set<Language> LANGUAGES = Set.of(Language.PYTHON);
    /**
     * How long an execution waits for a booted context by default, before its own clock starts: a boot takes GraalPy
     * seconds, tens of seconds on a loaded machine (see the class comment), and the engine's first one more.
     */
    public static final Duration DEFAULT_CONTEXT_WAIT = Duration.ofMinutes(2);
    /** How long {@link #create} waits for the first context, the engine's first boot. */
    private static final Duration FIRST_BOOT_WAIT = Duration.ofMinutes(5);

    final int maxProgramBytes;
    final int maxResultBytes;
    private final GraalPyEngine engine;
    private final GraalPyContexts contexts;
    private final Duration contextWait;
    private volatile boolean closed;

    private GraalPyCodeSandbox(GraalPyEngine engine, int readyContexts, Duration contextWait, int maxProgramBytes,
                               int maxResultBytes) {
        this.engine = engine;
        this.contextWait = contextWait;
        this.contexts = new GraalPyContexts(engine, readyContexts);
        this.maxProgramBytes = maxProgramBytes;
        this.maxResultBytes = maxResultBytes;
    }

    /** A sandbox with every backend's default program and result caps ({@link SandboxSizes}), warmed up. */
    public static GraalPyCodeSandbox create() {
        return create(SandboxSizes.DEFAULT_PROGRAM_BYTES, SandboxSizes.DEFAULT_OUTCOME_BYTES, DEFAULT_READY_CONTEXTS,
                DEFAULT_CONTEXT_WAIT);
    }

    /**
     * A sandbox whose first context is booted and whose program path has run once, so that the first execution does
     * not pay for the engine's start; returns when that is done (seconds: see the README's measurements).
     *
     * @param maxProgramBytes programs larger than this (UTF-8) fail as {@link ErrorType#SYNTAX}, like the KVM backend's
     *     IN buffer; host-call results are capped at the smaller of this and the execution's limit
     * @param maxResultBytes outcomes larger than this fail as {@link ErrorType#OUTPUT_LIMIT}, like the KVM backend's
     *     OUT buffer; host-call requests are capped at the smaller of this and the execution's limit
     * @param readyContexts how many booted contexts wait for executions
     * @param contextWait how long an execution waits for a booted context (its limits apply once it has one); past
     *     it the execution fails as {@link ErrorType#SANDBOX_FAILURE}
     */
    public static GraalPyCodeSandbox create(int maxProgramBytes, int maxResultBytes, int readyContexts,
                                            Duration contextWait) {
        if (maxProgramBytes < 1 || maxResultBytes < 1) {
            throw new IllegalArgumentException("program and result caps must be positive");
        }
        GraalPyCodeSandbox sandbox = new GraalPyCodeSandbox(GraalPyEngine.start(), readyContexts,
                Objects.requireNonNull(contextWait, "contextWait"), maxProgramBytes, maxResultBytes);
        sandbox.contexts.start();
        sandbox.warmUp();
        return sandbox;
    }

    @Override
    public String backend() {
        return NAME;
    }

    @Override
    public Set<Language> languages() {
        return LANGUAGES;
    }

    /** Takes a booted context (waiting for one, before the execution's clock starts) and runs the program in it. */
    @Override
    public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
        CodeSandbox.checkCall(this, language, code, functions, limits);
        return run(code, functions, limits, contextWait);
    }

    private ExecutionResult run(String code, HostFunctions functions, ExecutionLimits limits, Duration contextWait) {
        if (closed) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the graalpy sandbox is closed");
        }
        int programBytes = GraalJsCodeSandbox.utf8Length(code);
        if (programBytes > maxProgramBytes) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.SYNTAX, "the program is " + programBytes
                    + " bytes, the limit is " + maxProgramBytes + " bytes"), Duration.ZERO);
        }
        GraalPyContexts.Booted booted;
        try {
            booted = contexts.take(contextWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for a GraalPy context", e);
        } catch (IllegalStateException e) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.SANDBOX_FAILURE, e.getMessage()), Duration.ZERO);
        }
        if (booted == null) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.SANDBOX_FAILURE, "no GraalPy context was booted"
                    + " within " + contextWait.toMillis() + " ms"), contextWait);
        }
        return new GraalPyRun(this, booted, System.nanoTime(), code, functions, limits).execute();
    }

    /** Stops booting, closes the engine; executions still running are cancelled. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        contexts.close();
        engine.close();
    }

    boolean isClosed() {
        return closed;
    }

    /** One execution through every part of the contract, so that its code is parsed before the first real one. */
    private void warmUp() {
        HostFunctions echo = HostFunctions.builder().register("echo", HostFunctions.echo()).build();
        ExecutionResult r = run("""
                import sys
                print("warm", {"up": [1, 2]}); print("e", file=sys.stderr)
                try:
                    call_tool("missing")
                except ToolError:
                    pass
                r = await call_tool("echo", {"s": "x" * 10})
                [r, call_tool("echo", i=1)]""", echo, ExecutionLimits.defaults(),
                contextWait.compareTo(FIRST_BOOT_WAIT) > 0 ? contextWait : FIRST_BOOT_WAIT);
        if (r.error() != null) {
            close();
            throw new IllegalStateException("the graalpy sandbox does not work: " + r.error().message());
        }
    }
}
