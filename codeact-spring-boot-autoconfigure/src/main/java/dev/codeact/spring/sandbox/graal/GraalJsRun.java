package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.HostFunctions;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * One GraalJS execution ({@link GraalRun} has its threads, limits and stop): the program thread compiles and runs
 * the program in a fresh context, runs its timers, and encodes the outcome with runtime.js.
 */
final class GraalJsRun extends GraalRun {
    /**
     * The program thread's Java stack: a fixed part that GraalJS and Truffle use before and around the program,
     * plus 1.5 bytes per byte of {@link ExecutionLimits#stackBytes()}, as an interpreted GraalJS call takes about
     * 1.5 times the stack of a QuickJS call. Measured on JDK 17 with GraalJS 25.1.3: with the default 512 KiB
     * limit a simple recursive function gets 700 to 850 calls deep in either backend.
     */
    private static final long THREAD_STACK_BASE_BYTES = 512L << 10;

    private final GraalJsCodeSandbox sandbox;
    private final String code;
    private final GraalJsNatives natives;

    GraalJsRun(GraalJsCodeSandbox sandbox, long startedNanos, String code, HostFunctions functions, ExecutionLimits limits) {
        super(GraalJsCodeSandbox.NAME, startedNanos, functions, limits, sandbox.maxProgramBytes, sandbox.maxResultBytes,
                THREAD_STACK_BASE_BYTES + limits.stackBytes() / 2 * 3);
        this.sandbox = sandbox;
        this.code = code;
        this.natives = new GraalJsNatives(this);
    }

    @Override
    boolean sandboxClosed() {
        return sandbox.isClosed();
    }

    @Override
    GraalOutcome runProgram() {
        Context c;
        try {
            c = sandbox.engine.newContext();
        } catch (IllegalStateException e) {
            return GraalOutcome.of(ErrorType.SANDBOX_FAILURE, sandbox.isClosed() ? "the graaljs sandbox is closed"
                    : "could not create a GraalJS context: " + e.getMessage());
        }
        if (!attach(c)) {
            return GraalOutcome.stopped(stopError());
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
            if (isStop(e) || GraalOutcome.isResourceFailure(e)) {
                throw e;
            }
            return GraalOutcome.ENCODE_FAILED;
        }
    }

    /** The program threw while being compiled or run: its own exception goes through runtime.js's encoder. */
    private GraalOutcome failure(String phase, PolyglotException e, Value encode) {
        if (isStop(e) || GraalOutcome.isResourceFailure(e) || !e.isGuestException()) {
            return failure(e);
        }
        Value error = e.getGuestObject();
        if (error == null) {
            return decode(GraalOutcome.ENCODE_FAILED);
        }
        return decode(encode(encode, phase, false, error));
    }

    private GraalOutcome decode(String outcomeJson) {
        return GraalOutcome.decode(outcomeJson, sandbox.maxResultBytes, stopError(), GraalJsEngine.RUNTIME_NAME);
    }
}
