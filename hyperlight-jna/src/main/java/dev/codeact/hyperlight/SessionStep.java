package dev.codeact.hyperlight;

/**
 * One step of a session: the execution's result and the session's state after it.
 *
 * <p>The state moves on when the guest ended the program itself (it reported an outcome, a failed one included, as a
 * notebook keeps its state after an exception) or stopped at a suspended host call. When the guest did not (a crash,
 * running out of memory, the forced stop of a runaway), its runtime may be half-way through anything, so the session
 * keeps the state it started the step from and {@code advanced} is false.
 *
 * @param result the execution's result; for a suspended step, what the program printed up to the call, no result
 * @param state the session's state from now on
 * @param advanced whether {@code state} is new (else it is the one the step started from)
 */
public record SessionStep(ExecutionResult result, SessionState state, boolean advanced) {
    /** True when the program waits at a host call for {@link MicroVm#resume}. */
    public boolean suspended() {
        return advanced && state.suspended();
    }
}
