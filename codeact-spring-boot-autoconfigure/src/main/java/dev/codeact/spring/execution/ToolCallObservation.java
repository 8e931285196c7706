package dev.codeact.spring.execution;

import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.SuspendCall;
import dev.codeact.spring.tools.ToolBridge;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The observation step of the {@link ToolBridge} for one execution: each tool call is a {@code codeact.tool.call}
 * observation (metrics, and spans with tracing) and is recorded with its arguments, result and timing for the
 * execution's listeners and its {@link CodeExecution}.
 */
final class ToolCallObservation implements ToolBridge.Observer {
    private final ObservationRegistry observations;
    private final List<String> called = Collections.synchronizedList(new ArrayList<>());
    private final List<ToolCall> calls = Collections.synchronizedList(new ArrayList<>());
    /** When the program was handed to the sandbox: tool-call offsets count from there. */
    private volatile long origin;

    ToolCallObservation(ObservationRegistry observations) {
        this.observations = observations;
    }

    /** Marks the moment the program goes to the sandbox. */
    void start() {
        origin = System.nanoTime();
    }

    @Override
    public HostFunction observe(String toolName, HostFunction function) {
        return (BoundedHostFunction) (arguments, deadline) -> {
            called.add(toolName);
            return observe(toolName, function, arguments, deadline);
        };
    }

    /** The names of the tools called, in the order the calls started. */
    List<String> called() {
        return List.copyOf(called);
    }

    /** The calls, recorded as each ended, put in the order they started. */
    List<ToolCall> calls() {
        List<ToolCall> inOrder = new ArrayList<>(calls);
        inOrder.sort(Comparator.comparing(ToolCall::startOffset));
        return inOrder;
    }

    private String observe(String name, HostFunction function, String arguments, Deadline deadline) throws Exception {
        Observation call = Observation.createNotStarted(CodeActExecutor.TOOL_CALL_OBSERVATION, observations)
                .lowCardinalityKeyValue("tool", name)
                .start();
        long start = System.nanoTime();
        String result = null;
        String error = null;
        try (Observation.Scope scope = call.openScope()) {
            result = function.call(arguments, deadline);
            call.lowCardinalityKeyValue("outcome", "success");
            return result;
        } catch (SuspendCall e) { // waiting for a person is no failure of the tool, which has not run
            error = e.getMessage();
            call.lowCardinalityKeyValue("outcome", "suspended");
            throw e;
        } catch (Throwable e) {   // precise rethrow: still only what function.call throws
            error = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            call.lowCardinalityKeyValue("outcome", "failure").error(e);
            throw e;
        } finally {
            call.stop();
            calls.add(new ToolCall(name, arguments, result, error, Duration.ofNanos(start - origin),
                    Duration.ofNanos(System.nanoTime() - start)));
        }
    }
}
