package dev.codeact.hyperlight;

/**
 * A function the guest can call by name. Receives the call's arguments as JSON and returns a JSON result.
 * Throw {@link HostFunctionException} (or any exception) to make the guest's call throw; its message is
 * what the guest sees.
 */
@FunctionalInterface
public interface HostFunction {
    String call(String argumentsJson) throws Exception;
}
