package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ConsoleCapture;
import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.GuestProtocolException;
import dev.codeact.hyperlight.HostCallDispatcher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.SplittableRandom;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
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

    private final GraalJsRun run;
    private final int requestCapacityBytes;
    private final SplittableRandom random = new SplittableRandom(SEEDS.nextLong());
    private final double timeOrigin = System.currentTimeMillis();

    /** @param requestCapacityBytes the sandbox's room for one host-call request, as the guest's OUT buffer */
    GraalJsNatives(GraalJsRun run, int requestCapacityBytes) {
        this.run = run;
        this.requestCapacityBytes = requestCapacityBytes;
    }

    ProxyObject object() {
        return ProxyObject.fromMap(Map.of(
                "write", (ProxyExecutable) this::write,
                "host_call", (ProxyExecutable) this::hostCall,
                "random", (ProxyExecutable) args -> random.nextDouble(),
                "now_ms", (ProxyExecutable) args -> (System.nanoTime() - run.startedNanos) / 1e6,
                "time_origin", (ProxyExecutable) args -> timeOrigin,
                // an Error object by what GraalJS knows it to be, not by its prototype
                "is_error", (ProxyExecutable) args -> args.length > 0 && args[0].isException(),
                // GraalJS reports stack exhaustion as a RangeError; GraalJsOutcome tells it by its message
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

    /** native.write(stream, text): one console write; past a stream's cap the execution stops. */
    private Object write(Value... args) {
        // runtime.js numbers the streams as the guest's log records do; anything else is stdout, as before
        ConsoleCapture.Stream numbered = args.length > 0 && args[0].fitsInInt() ? ConsoleCapture.Stream.byNumber(args[0].asInt()) : null;
        ConsoleCapture.Stream stream = numbered == null ? ConsoleCapture.Stream.STDOUT : numbered;
        if (run.console.truncated(stream)) {
            return null;
        }
        String text = args.length < 2 ? "" : args[1].isString() ? args[1].asString() : args[1].toString();
        if (!run.console.append(stream, text)) {
            run.stop(ErrorType.OUTPUT_LIMIT);
        }
        return null;
    }

    /** native.host_call(requestJson) -> [ok, replyText], with the KVM host's checks and messages. */
    private Object hostCall(Value... args) {
        String requestText = args.length > 0 && args[0].isString() ? args[0].asString() : "";
        byte[] request = requestText.getBytes(StandardCharsets.UTF_8);
        int requestLimit = Math.min(requestCapacityBytes, run.limits.maxHostCallRequestBytes());
        if (request.length > requestLimit) {
            return ProxyArray.fromArray(false, run.hostCalls.requestTooLarge(request.length, requestLimit));
        }
        try {
            HostCallDispatcher.Reply reply = run.hostCall(request);
            return ProxyArray.fromArray(reply.ok(), new String(reply.bytes(), StandardCharsets.UTF_8));
        } catch (GuestProtocolException e) {
            return ProxyArray.fromArray(false, e.getMessage());
        }
    }
}
