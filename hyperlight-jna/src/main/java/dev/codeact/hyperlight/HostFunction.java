package dev.codeact.hyperlight;

/**
 * A function the guest can call by name. Receives the call's arguments as JSON and returns a JSON result.
 * Throw {@link HostFunctionException} (or any exception) to make the guest's call throw; its message is
 * what the guest sees.
 *
 * <p>Every call is made through {@link #call(String, Deadline)}, which hands over the execution's deadline; a
 * function that waits on anything should implement {@link BoundedHostFunction} instead and bound its waits by it.
 * Wrappers pass the deadline on by calling {@link #call(String, Deadline)} of what they wrap.
 */
@FunctionalInterface
public interface HostFunction {
    String call(String argumentsJson) throws Exception;

    /** The call as the sandbox makes it: with the deadline of the execution that made it. */
    default String call(String argumentsJson, Deadline deadline) throws Exception {
        return call(argumentsJson);
    }
}
