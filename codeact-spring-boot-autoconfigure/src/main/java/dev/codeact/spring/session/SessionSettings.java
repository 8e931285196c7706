package dev.codeact.spring.session;

import java.time.Clock;
import java.time.Duration;

/**
 * How programs keep state between executions and wait for approvals: {@code codeact.sessions.*} and
 * {@code codeact.tools.approval-mode}/{@code approval-expiry}.
 *
 * @param store where states are kept; null when neither sessions nor suspension is on
 * @param sessions whether a program with a conversation id continues from the state its conversation's last one left
 * @param ttl how long a session is kept since its last use
 * @param maxStateBytes the most a session's state (or a suspended program's) may take; past it, it is dropped
 * @param suspendForApproval whether a call that needs approval suspends its program
 * @param approvalExpiry how long a suspended program waits for a decision; then it counts as denied
 * @param clock the time expiries are measured by
 */
public record SessionSettings(SessionStore store, boolean sessions, Duration ttl, long maxStateBytes,
        boolean suspendForApproval, Duration approvalExpiry, Clock clock) {
    /** Neither sessions nor suspension: every execution starts fresh and ends. */
    public static final SessionSettings NONE = new SessionSettings(null, false, Duration.ZERO, 0, false, Duration.ZERO,
            Clock.systemUTC());

    public SessionSettings {
        if ((sessions || suspendForApproval) && store == null) {
            throw new IllegalArgumentException("sessions and suspended approvals need a store");
        }
        if (clock == null) {
            clock = Clock.systemUTC();
        }
    }

    /** How long a store keeps a suspended program: past its expiry too, so a late decision finds it and denies it. */
    public Duration pendingKeepFor() {
        return approvalExpiry.plus(approvalExpiry).plus(Duration.ofMinutes(1));
    }
}
