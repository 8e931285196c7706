package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.HostFunctions;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * One GraalPy execution ({@link GraalRun} has its threads, limits and stop): the program thread runs boot.py's
 * {@code _codeact_run} in a booted context of its own, which compiles and runs the program and encodes the outcome as
 * the KVM guest's does.
 */
final class GraalPyRun extends GraalRun {
    /**
     * The program thread's Java stack: a fixed part GraalPy and Truffle use around the program, plus {@link
     * #STACK_PER_LIMIT_BYTE} bytes per byte of {@link ExecutionLimits#stackBytes()}. GraalPy's interpreter ends a deep
     * recursion when the Java stack runs out (RecursionError, boot.py's STACK_OVERFLOW), before Python's recursion
     * limit; a GraalPy call takes about 4 KiB of it while HotSpot interprets GraalPy, so the default 512 KiB limit
     * allows about the 1000 calls of the guest's recursion limit, and about 2 KiB once HotSpot has compiled GraalPy's
     * interpreter (about 2000 calls). Measured on JDK 17 with GraalPy 25.0.2 (GraalPySandboxTest).
     */
    static final long THREAD_STACK_BASE_BYTES = 1L << 20;
    static final long STACK_PER_LIMIT_BYTE = 6;

    private final GraalPyCodeSandbox sandbox;
    private final GraalPyContexts.Booted booted;
    private final String code;

    GraalPyRun(GraalPyCodeSandbox sandbox, GraalPyContexts.Booted booted, long startedNanos, String code,
               HostFunctions functions, ExecutionLimits limits) {
        super(GraalPyCodeSandbox.NAME, startedNanos, functions, limits, sandbox.maxProgramBytes, sandbox.maxResultBytes,
                THREAD_STACK_BASE_BYTES + limits.stackBytes() * STACK_PER_LIMIT_BYTE);
        this.sandbox = sandbox;
        this.booted = booted;
        this.code = code;
    }

    @Override
    boolean sandboxClosed() {
        return sandbox.isClosed();
    }

    @Override
    GraalOutcome runProgram() {
        if (!attach(booted.context())) {
            return GraalOutcome.stopped(stopError());
        }
        booted.natives().bind(this, code);
        supervisor.startCpuClock();
        String outcomeJson;
        try {
            Value outcome = booted.run().execute();
            outcomeJson = outcome.isString() ? outcome.asString() : null;
        } catch (PolyglotException e) {
            if (isStop(e) || GraalOutcome.isResourceFailure(e) || !e.isGuestException()) {
                return failure(e);
            }
            // _codeact_run encodes every exception of the program; one that escapes it is boot.py's own failure
            return GraalOutcome.of(ErrorType.SANDBOX_FAILURE, "boot.py failed: " + e.getMessage());
        }
        if (outcomeJson == null) {
            return GraalOutcome.of(ErrorType.SANDBOX_FAILURE, "boot.py's _codeact_run returned no outcome");
        }
        return outOfMemory(GraalOutcome.decode(outcomeJson, sandbox.maxResultBytes, stopError(),
                GraalPyEngine.BOOT_NAME));
    }

    /**
     * GraalPy raises MemoryError when the JVM heap runs out under the program: uncaught, it is {@link
     * ErrorType#OUT_OF_MEMORY}, as the KVM guest reports the exhaustion of its memory limit. (The guest never lets the
     * program see a failed allocation; GraalPy does, so a program may catch MemoryError and go on.)
     */
    private GraalOutcome outOfMemory(GraalOutcome outcome) {
        ExecutionError error = outcome.error();
        if (error == null || error.type() != ErrorType.RUNTIME || !"MemoryError".equals(error.name())) {
            return outcome;
        }
        return GraalOutcome.outOfMemory(limits, GraalPyCodeSandbox.NAME);
    }
}
