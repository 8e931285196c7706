package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.GuestOutcome;
import dev.codeact.hyperlight.GuestProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.graalvm.polyglot.PolyglotException;

/**
 * How an in-process (GraalJS or GraalPy) execution ended: the result JSON or the error. Made from the guest code's
 * outcome JSON (runtime.js's or boot.py's, decoded as the KVM guest's is, with GraalJS's wordings of stack exhaustion
 * mapped to the guest's types) or from a failure that is not the program's own exception (a stop, memory exhaustion,
 * a failure of the sandbox).
 */
record GraalOutcome(String resultJson, ExecutionError error) {
    /** What the guest code's encoder is replaced by when it fails itself. */
    static final String ENCODE_FAILED = "{\"ok\":false,\"type\":\"RUNTIME\",\"name\":\"InternalError\","
            + "\"message\":\"the outcome could not be encoded\"}";
    private static final String STACK_OVERFLOW_MESSAGE = "RangeError: Maximum call stack size exceeded";
    /** GraalJS's JSON parser has a nesting limit where QuickJS's runs out of stack. */
    private static final String JSON_NESTING_MESSAGE = "RangeError: Cannot parse JSON constructs nested that deep";
    /** The runner's frames in a stack trace: not the program's, so they are left out as in the KVM backend. */
    private static final Pattern RUNNER_FRAME = Pattern.compile("\\n\\s*at [^\\n]*\\(runner\\.js:\\d+:\\d+\\)");

    static GraalOutcome of(ErrorType type, String message) {
        return new GraalOutcome(null, ExecutionError.of(type, message));
    }

    static GraalOutcome stopped(ExecutionError stopError) {
        return new GraalOutcome(null, stopError);
    }

    /**
     * The guest code's outcome JSON, capped at {@code maxResultBytes} as the KVM guest's OUT buffer caps it.
     *
     * @param stopError the error of the stop that ended the execution, or null when it was not stopped
     * @param producer the guest code that encoded it ({@code runtime.js} or {@code boot.py}), for the failure message;
     *     only runtime.js's errors get GraalJS's stack-exhaustion wordings mapped and the runner's frames removed
     */
    static GraalOutcome decode(String outcomeJson, int maxResultBytes, ExecutionError stopError, String producer) {
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
            return of(ErrorType.SANDBOX_FAILURE, producer + " produced an unreadable outcome: " + e.getMessage());
        }
        ExecutionError error = outcome.error();
        if (outcome.interrupted()) {
            error = stopError != null ? stopError
                    : new ExecutionError(ErrorType.RUNTIME, "InternalError: interrupted", "InternalError", null);
        } else if (error != null && GraalJsEngine.RUNTIME_NAME.equals(producer)) {
            boolean overflow = error.type() == ErrorType.RUNTIME && "RangeError".equals(error.name())
                    && (STACK_OVERFLOW_MESSAGE.equals(error.message()) || JSON_NESTING_MESSAGE.equals(error.message()));
            String stack = error.stack() == null ? null : RUNNER_FRAME.matcher(error.stack()).replaceAll("");
            error = new ExecutionError(overflow ? ErrorType.STACK_OVERFLOW : error.type(), error.message(), error.name(), stack);
        }
        return new GraalOutcome(outcome.resultJson(), error);
    }

    /**
     * Anything but the program's own JavaScript exception: a stop, exhaustion, or a failure of the sandbox.
     *
     * @param stopError the error of the stop that ended the execution, or null when it was not stopped
     * @param backend the backend's name, for the messages
     * @param closed whether the sandbox has been closed
     */
    static GraalOutcome failure(Throwable t, ExecutionError stopError, ExecutionLimits limits, String backend, boolean closed) {
        if (stopError != null && !(t instanceof OutOfMemoryError)) {
            return stopped(stopError);
        }
        Throwable cause = t instanceof PolyglotException pe && pe.isHostException() ? pe.asHostException() : t;
        if (isOutOfMemory(cause)) {
            return outOfMemory(limits, backend);
        }
        if (cause instanceof StackOverflowError
                || cause.getMessage() != null && cause.getMessage().contains("StackOverflowError")) {
            return new GraalOutcome(null, new ExecutionError(ErrorType.STACK_OVERFLOW, STACK_OVERFLOW_MESSAGE, "RangeError", null));
        }
        if (cause instanceof PolyglotException pe && pe.isCancelled()) {
            return of(ErrorType.SANDBOX_FAILURE, closed ? "the " + backend + " sandbox was closed during the execution"
                    : "the execution was cancelled");
        }
        if (cause instanceof IllegalStateException && closed) {
            return of(ErrorType.SANDBOX_FAILURE, "the " + backend + " sandbox was closed during the execution");
        }
        return of(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + cause);
    }

    /** The JVM heap ran out under the program: {@link ErrorType#OUT_OF_MEMORY}, saying the limit is not enforced. */
    static GraalOutcome outOfMemory(ExecutionLimits limits, String backend) {
        return of(ErrorType.OUT_OF_MEMORY, "the execution ran out of memory: the JVM heap is exhausted"
                + " (the " + backend + " backend cannot enforce the " + limits.memoryBytes() + "-byte memory limit)");
    }

    /** A failure that is not the program's exception but the engine's: exhaustion, cancellation, a host error. */
    static boolean isResourceFailure(PolyglotException e) {
        return e.isResourceExhausted() || e.isCancelled() || e.isInterrupted() || e.isInternalError()
                || e.isHostException();
    }

    private static boolean isOutOfMemory(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return true;
        }
        if (t instanceof PolyglotException pe && pe.isResourceExhausted()) {
            String m = String.valueOf(pe.getMessage()).toLowerCase(Locale.ROOT);
            return m.contains("heap") || m.contains("memory");
        }
        return false;
    }
}
