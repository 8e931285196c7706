package dev.codeact.spring.sandbox.graal;

import java.security.SecureRandom;
import java.util.Map;
import java.util.SplittableRandom;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The {@code native} object runtime.js builds the program-facing API on, as the KVM guest's C runtime provides it:
 * console writes, host calls with the KVM host's checks and messages, randomness and clocks. The only objects the
 * program can reach that are not its own.
 */
final class GraalJsNatives {
    /** Seeds each execution's Math.random and fills crypto.getRandomValues: a CSPRNG, so no execution can predict another's. */
    private static final SecureRandom SEEDS = new SecureRandom();

    private final GraalRun run;
    private final SplittableRandom random = new SplittableRandom(SEEDS.nextLong());
    private final double timeOrigin = System.currentTimeMillis();

    GraalJsNatives(GraalRun run) {
        this.run = run;
    }

    ProxyObject object() {
        return ProxyObject.fromMap(Map.of(
                "write", (ProxyExecutable) run::write,
                "host_call", (ProxyExecutable) run::hostCallFromGuest,
                "random", (ProxyExecutable) args -> random.nextDouble(),
                "now_ms", (ProxyExecutable) args -> (System.nanoTime() - run.startedNanos) / 1e6,
                "time_origin", (ProxyExecutable) args -> timeOrigin,
                // an Error object by what GraalJS knows it to be, not by its prototype
                "is_error", (ProxyExecutable) args -> args.length > 0 && args[0].isException(),
                // GraalJS reports stack exhaustion as a RangeError; GraalOutcome tells it by its message
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
}
