package dev.codeact.spring.execution;

import dev.codeact.spring.session.PendingApproval;
import java.time.Instant;

/**
 * One decision about a suspended program's call: who decided what, when.
 *
 * @param approval what was decided
 * @param approved whether the tool ran
 * @param reason the decider's reason or note; for an expired approval, that it expired
 * @param decidedBy who decided, as the application named them ("expiry" when no one did in time)
 * @param decidedAt when
 * @param expired whether the approval had expired, which denies it whatever the decision
 */
public record ApprovalRecord(PendingApproval approval, boolean approved, String reason, String decidedBy,
        Instant decidedAt, boolean expired) {

    /** approved, denied or expired: the decision as metrics tag it. */
    public String outcome() {
        return expired ? "expired" : approved ? "approved" : "denied";
    }
}
