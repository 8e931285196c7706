package dev.codeact.hyperlight;

/**
 * The answer a suspended host call ({@link SuspendCall}) gets when its session resumes: the function's result JSON,
 * which the call returns to the program, or an error message, which the call throws as the program's host-call error
 * (its host-function error, as the guest names it). A result passes the same checks as a result returned at once
 * (size, nesting).
 */
public record HostCallAnswer(boolean ok, String text) {
    public HostCallAnswer {
        if (text == null) {
            throw new IllegalArgumentException("an answer needs a result or a message");
        }
    }

    /** The call returns {@code resultJson}: what the real function returned once it was allowed to run. */
    public static HostCallAnswer result(String resultJson) {
        return new HostCallAnswer(true, resultJson);
    }

    /** The call fails with {@code message}: a denial, or the function's own failure. */
    public static HostCallAnswer error(String message) {
        return new HostCallAnswer(false, message);
    }
}
