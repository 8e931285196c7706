package dev.codeact.spring.execution;

import dev.codeact.hyperlight.HostFunction;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.session.PendingApproval;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.session.SessionStore;
import dev.codeact.spring.session.SuspendedProgram;
import dev.codeact.spring.tools.ToolBridge;
import dev.codeact.spring.tools.ToolSet;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.model.ToolContext;

/**
 * The programs waiting for a person's approval ({@code codeact.tools.approval-mode=suspend}), and their decisions.
 * A decision claims the approval from the store (so of two deciders, on any replicas, one wins and the tool runs once),
 * then continues the program at its call on whichever VM is free: approved, the tool runs with the exact arguments
 * and tool context the program gave, and the program gets its result; denied, the call throws {@code ToolError}. An
 * approval decided after its expiry is denied. Every decision is logged, observed ({@code codeact.approval}) and
 * given to the {@link ApprovalListener}s before the program continues; how it went on, to the {@link ResumeListener}.
 */
public final class CodeActApprovals {
    /** Observation of one decision: low-cardinality keys tool, decision (approved, denied, expired). */
    public static final String APPROVAL_OBSERVATION = "codeact.approval";
    /** Who decides an approval no one decided in time. */
    public static final String EXPIRY = "expiry";
    private static final Log LOG = LogFactory.getLog(CodeActApprovals.class);

    private final CodeActExecutor executor;
    private final SessionSettings settings;
    private final ApprovalListener listener;
    private final ResumeListener resumed;
    private final ObservationRegistry observations;

    public CodeActApprovals(CodeActExecutor executor, ApprovalListener listener, ObservationRegistry observations) {
        this(executor, listener, ResumeListener.NONE, observations);
    }

    /** @param resumed told how each decided program went on (its chat's memory, for one) */
    public CodeActApprovals(CodeActExecutor executor, ApprovalListener listener, ResumeListener resumed,
            ObservationRegistry observations) {
        if (!executor.sessions().suspendForApproval()) {
            throw new IllegalStateException("approvals are decided here only with codeact.tools.approval-mode=suspend");
        }
        this.executor = executor;
        this.settings = executor.sessions();
        this.listener = listener;
        this.resumed = resumed;
        this.observations = observations;
    }

    /** The approvals waiting for a decision, oldest first (expired ones included until they are denied). */
    public List<PendingApproval> pending() {
        return store().pending();
    }

    public Optional<PendingApproval> find(String id) {
        return store().findPending(id);
    }

    /**
     * Decides an approval and continues its program.
     *
     * @param decidedBy who decides, for the record (a user name)
     * @return the program's execution from its call on: finished, or waiting for another approval
     * @throws UnknownApprovalException when no such approval is pending (decided already, or never made)
     */
    public CodeExecution decide(String id, ApprovalDecision decision, String decidedBy) {
        SuspendedProgram program = store().claimPending(id, settings.maxStateBytes())
                .orElseThrow(() -> new UnknownApprovalException(id));
        return decided(program, decision, decidedBy == null || decidedBy.isBlank() ? "unknown" : decidedBy);
    }

    /** Denies every approval past its expiry and continues its program; returns those executions. */
    public List<CodeExecution> expireDue() {
        Instant now = settings.clock().instant();
        List<CodeExecution> executions = new ArrayList<>();
        for (PendingApproval approval : pending()) {
            if (approval.expired(now)) {
                store().claimPending(approval.id(), settings.maxStateBytes())
                        .ifPresent(program -> executions.add(decided(program, ApprovalDecision.deny("expired"), EXPIRY)));
            }
        }
        return executions;
    }

    private CodeExecution decided(SuspendedProgram program, ApprovalDecision decision, String decidedBy) {
        PendingApproval approval = program.approval();
        Instant now = settings.clock().instant();
        boolean expired = approval.expired(now);
        String reason = expired ? "the approval expired at " + approval.expiresAt() + " before it was decided"
                : decision.reason();
        ToolSet tools = executor.catalog().select(List.of());
        HostFunction call = null;
        if (decision.approved() && !expired) {
            call = ToolBridge.approvedCall(tools, approval.tool(),
                    new ToolContext(approval.toolContext())).orElse(null);
            if (call == null) {
                reason = "tool '" + approval.tool() + "' is no longer offered to programs";
            }
        }
        ApprovalRecord record = new ApprovalRecord(approval, call != null, reason, decidedBy, now, expired);
        Observation.createNotStarted(APPROVAL_OBSERVATION, observations)
                .lowCardinalityKeyValue("tool", approval.tool())
                .lowCardinalityKeyValue("decision", record.outcome())
                .highCardinalityKeyValue("approval.id", approval.id())
                .highCardinalityKeyValue("decided.by", decidedBy)
                .observe(() -> tell(record));
        LOG.info("approval " + approval.id() + " of " + approval.tool() + " " + record.outcome() + " by " + decidedBy
                + (reason.isEmpty() ? "" : ": " + reason));
        CodeExecution execution = executor.resume(program, tools, call, ApprovalGate.denial(approval.tool(), reason));
        try {
            resumed.resumed(record, execution);
        } catch (RuntimeException e) {
            LOG.warn("a resume listener failed after approval " + approval.id() + " was decided; the decision stands", e);
        }
        return execution;
    }

    /**
     * Gives the decision to the listeners. The approval is claimed by now, so a failing listener must not stop the
     * program from continuing: that would lose the approval (it is logged and observed anyway).
     */
    private void tell(ApprovalRecord record) {
        try {
            listener.decided(record);
        } catch (RuntimeException e) {
            LOG.error("an approval listener failed on approval " + record.approval().id() + " ("
                    + record.outcome() + " by " + record.decidedBy() + "); the program continues", e);
        }
    }

    private SessionStore store() {
        return settings.store();
    }
}
