package dev.codeact.spring.session;

import dev.codeact.hyperlight.SessionState;

/**
 * A pending approval with the VM state its program waits in.
 *
 * @param approval what is to be decided
 * @param state the program's state, suspended at the call
 */
public record SuspendedProgram(PendingApproval approval, SessionState state) {
}
