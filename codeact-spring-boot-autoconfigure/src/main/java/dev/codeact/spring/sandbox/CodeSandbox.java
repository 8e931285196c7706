package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import java.util.Set;

/**
 * Runs one program with the given host functions under the given limits. Every backend offers the same
 * program-facing API in each language it runs ({@code call_tool}, console output, top-level {@code await},
 * a result) and reports through the same {@link ExecutionResult}; each execution starts from a fresh state.
 * Implementations are thread-safe.
 */
public interface CodeSandbox extends AutoCloseable {

    /** The backend's name as in {@code codeact.sandbox.backend}: {@code kvm} or {@code graaljs}. */
    String backend();

    /** The languages this sandbox runs. */
    default Set<Language> languages() {
        return Set.of(Language.JAVASCRIPT);
    }

    /** Runs a JavaScript program: {@link #execute(Language, String, HostFunctions, ExecutionLimits)}. */
    default ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return execute(Language.JAVASCRIPT, code, functions, limits);
    }

    /**
     * Never throws for anything the program does; failures come back in the result.
     *
     * @throws UnsupportedOperationException when {@code language} is not one of {@link #languages()}
     */
    ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits);

    @Override
    void close();

    /** The error {@link #execute(Language, String, HostFunctions, ExecutionLimits)} throws for a language it lacks. */
    static UnsupportedOperationException unsupported(CodeSandbox sandbox, Language language) {
        return new UnsupportedOperationException("the " + sandbox.backend() + " sandbox does not run " + language
                + " (it runs " + sandbox.languages() + ")");
    }
}
