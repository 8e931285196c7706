package dev.codeact.hyperlight;

/**
 * A host function that bounds whatever it waits on by the deadline of the execution that calls it, so that a
 * program stopped at its deadline is never held longer by a slow peer (a silent HTTP server, a locked file).
 */
@FunctionalInterface
public interface BoundedHostFunction extends HostFunction {
    @Override
    String call(String argumentsJson, Deadline deadline) throws Exception;

    /** Outside any execution: no deadline but the function's own limits. */
    @Override
    default String call(String argumentsJson) throws Exception {
        return call(argumentsJson, Deadline.none());
    }
}
