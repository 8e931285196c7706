package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;

/**
 * Runs one JavaScript program with the given host functions under the given limits. Every backend
 * offers the same program-facing API ({@code call_tool}, {@code console}, top-level {@code await},
 * {@code return}) and reports through the same {@link ExecutionResult}; each execution starts from a
 * fresh state. Implementations are thread-safe.
 */
public interface CodeSandbox extends AutoCloseable {

    /** The backend's name as in {@code codeact.sandbox.backend}: {@code kvm} or {@code graaljs}. */
    String backend();

    /** Never throws for anything the program does; failures come back in the result. */
    ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits);

    @Override
    void close();
}
