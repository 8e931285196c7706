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
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.SandboxPolicy;

/**
 * Programs run in GraalJS (community edition) inside this JVM: the in-process alternative to the KVM backend.
 *
 * <p>The program-facing API is the KVM guest's own: the same {@code runtime.js} (from hyperlight-jna's jar)
 * installs {@code console}, {@code call_tool}, {@code ToolError} and {@code performance} over a {@code native}
 * object, the program runs as the body of {@code (async function () {...})} evaluated as {@code program.js},
 * promise jobs are drained, and runtime.js's encoder produces the same outcome JSON, decoded with
 * {@link dev.codeact.hyperlight.GuestOutcome}. Console output, host calls and their limits follow {@code MicroVm}:
 * the same caps, the same error types and the same messages (worded as the functions' {@code HostCallWording} says).
 *
 * <p>Each execution gets a fresh {@link Context} on one shared {@link Engine} (so parsed code, including
 * runtime.js, is shared), with {@link SandboxPolicy#CONSTRAINED} and {@link HostAccess#CONSTRAINED}: no host object
 * is ever handed to the program, which sees only the proxies of the {@code native} object. There is no IO, thread
 * creation, native access, process, environment or polyglot access; the {@code load}, {@code print}, {@code Graal}
 * and {@code console} builtins are removed (runtime.js installs its own {@code console}); the time zone is UTC,
 * as in the QuickJS guest, and the default locale en-US, as there. {@code Intl} is GraalJS's own (ICU4J, the CLDR
 * version of Node 20's ICU), with runtime.js's changes for V8's ways; the guest carries FormatJS's (see the README).
 * The program runs on a thread of its own, whose Java stack is sized from {@link ExecutionLimits#stackBytes()}, so
 * recursion depth does not depend on the caller's thread; host functions are called on that thread, as the KVM
 * backend calls them on its vCPU thread.
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
 *   <li>console output, host-call request and result sizes, host-call count, program and result sizes: as in
 *       the KVM backend.</li>
 * </ul>
 *
 * <p>Files: this one (creation, execute, close), {@link GraalJsEngine} (engine, context, sources), {@link GraalJsRun}
 * (one execution's threads and stop, supervised by the {@code ExecutionSupervisor} the KVM backend uses too),
 * {@link GraalJsNatives} (the {@code native} object) and {@link GraalOutcome} (how an execution ended).
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

    final GraalJsEngine engine;
    final int maxProgramBytes;
    final int maxResultBytes;
    private volatile boolean closed;

    private GraalJsCodeSandbox(GraalJsEngine engine, int maxProgramBytes, int maxResultBytes) {
        this.engine = engine;
        this.maxProgramBytes = maxProgramBytes;
        this.maxResultBytes = maxResultBytes;
    }

    /**
     * A sandbox with every backend's default program and result caps ({@link SandboxSizes}, the KVM guest's IN
     * and OUT buffers), warmed up so that the first execution does not pay for the engine's start.
     */
    public static GraalJsCodeSandbox create() {
        return create(SandboxSizes.DEFAULT_PROGRAM_BYTES, SandboxSizes.DEFAULT_OUTCOME_BYTES);
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
        GraalJsCodeSandbox sandbox = new GraalJsCodeSandbox(GraalJsEngine.start(), maxProgramBytes, maxResultBytes);
        sandbox.warmUp();
        return sandbox;
    }

    @Override
    public String backend() {
        return NAME;
    }

    @Override
    public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
        CodeSandbox.checkCall(this, language, code, functions, limits);
        long started = System.nanoTime();
        if (closed) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the graaljs sandbox is closed");
        }
        int programBytes = utf8Length(code);
        if (programBytes > maxProgramBytes) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.SYNTAX, "the program is " + programBytes
                    + " bytes, the limit is " + maxProgramBytes + " bytes"), Duration.ZERO);
        }
        return new GraalJsRun(this, started, code, functions, limits).execute();
    }

    /** Closes the engine; executions still running are cancelled. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.close();
    }

    boolean isClosed() {
        return closed;
    }

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

    /** The UTF-8 length of {@code s}, as the KVM backend measures programs (a lone surrogate counts 3). */
    static int utf8Length(String s) {
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
}
