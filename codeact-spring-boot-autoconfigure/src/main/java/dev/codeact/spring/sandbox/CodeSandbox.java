package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostCallAnswer;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateException;
import dev.codeact.hyperlight.SessionStep;
import java.util.Set;

/**
 * Runs one program with the given host functions under the given limits. Every backend offers the same
 * program-facing API in each language it runs ({@code call_tool}, console output, top-level {@code await},
 * a result) and reports through the same {@link ExecutionResult}; each execution starts from a fresh state.
 * Implementations are thread-safe. A backend that {@link #keepsSessions() keeps sessions} also runs a program from
 * the state an earlier one left.
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

    /**
     * Whether this sandbox keeps sessions: an execution that starts from the state an earlier one left, and a program
     * suspended at a host call ({@link dev.codeact.hyperlight.SuspendCall}) that resumes later, on any VM. Only the
     * KVM backend does: its whole state is memory and registers.
     */
    default boolean keepsSessions() {
        return false;
    }

    /** A session of programs in {@code language} that has run nothing yet. */
    default SessionState newSession(Language language) {
        throw noSessions(this);
    }

    /**
     * Runs one program of a session, starting from {@code state}; never throws for anything the program does.
     *
     * @param maxStateBytes the bound of the session's new state
     * @throws SessionStateException when {@code state} is refused (another image, malformed, too large, suspended)
     *     before anything ran, or when the new state passes {@code maxStateBytes} (the program's result is in it)
     */
    default SessionStep executeInSession(Language language, SessionState state, String code, HostFunctions functions,
            ExecutionLimits limits, long maxStateBytes) {
        throw noSessions(this);
    }

    /**
     * Refuses {@code state} as {@link #resume} would (another guest image or layout, too large), without running
     * anything: a caller checks before it acts on the state's behalf.
     *
     * @throws SessionStateException when the state cannot be used here
     */
    default void checkState(Language language, SessionState state, long maxStateBytes) {
        throw noSessions(this);
    }

    /** Continues a program suspended at a host call, with that call's answer; as {@link #executeInSession}. */
    default SessionStep resume(Language language, SessionState state, HostCallAnswer answer, HostFunctions functions,
            ExecutionLimits limits, long maxStateBytes) {
        throw noSessions(this);
    }

    @Override
    void close();

    /** What a sandbox that does not {@link #keepsSessions() keep sessions} throws when asked for one. */
    static UnsupportedOperationException noSessions(CodeSandbox sandbox) {
        return new UnsupportedOperationException("the " + sandbox.backend() + " sandbox keeps no sessions and cannot"
                + " suspend a program: each execution starts fresh in a new context. Sessions"
                + " (codeact.sessions.enabled) and codeact.tools.approval-mode=suspend need the kvm backend.");
    }

    /**
     * The checks every backend's {@link #execute(Language, String, HostFunctions, ExecutionLimits)} starts with: the
     * language is one {@code sandbox} runs, and no argument is null.
     */
    static void checkCall(CodeSandbox sandbox, Language language, String code, HostFunctions functions,
            ExecutionLimits limits) {
        if (!sandbox.languages().contains(language)) {
            throw unsupported(sandbox, language);
        }
        java.util.Objects.requireNonNull(code, "code");
        java.util.Objects.requireNonNull(functions, "functions");
        java.util.Objects.requireNonNull(limits, "limits");
    }

    /** The error {@link #execute(Language, String, HostFunctions, ExecutionLimits)} throws for a language it lacks. */
    static UnsupportedOperationException unsupported(CodeSandbox sandbox, Language language) {
        return new UnsupportedOperationException("the " + sandbox.backend() + " sandbox does not run " + language
                + " (it runs " + sandbox.languages() + ")");
    }
}
