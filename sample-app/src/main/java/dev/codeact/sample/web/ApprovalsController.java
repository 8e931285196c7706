package dev.codeact.sample.web;

import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.UnknownApprovalException;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The programs waiting for a person's approval, and the decisions that continue them
 * ({@code codeact.tools.approval-mode=suspend} with the tools named by {@code codeact.tools.approval-required}; the
 * {@code sessions} profile turns both on for {@code cancel_order}). A program that calls such a tool, from
 * {@code /api/execute} or from the model's {@code execute_code}, is suspended at the call; {@code GET /api/approvals}
 * lists it, and {@code POST /api/approvals/{id}} approves (the tool runs once, with the arguments the program gave)
 * or denies (the call throws ToolError) and answers with the rest of the program's run, as {@code /api/execute} does.
 *
 * <p>Without suspend mode there is nothing to decide here: both endpoints answer 409, saying which properties turn it
 * on. An id that is not pending (decided already, on any replica, or never made) is 404. Decisions are recorded with
 * who made them: the {@code X-User} header (what an authenticating proxy in front would set), else the body's
 * {@code decidedBy}.
 */
@RestController
@RequestMapping("/api/approvals")
@ConditionalOnBooleanProperty(name = "sample.api.approvals.enabled", matchIfMissing = true)
public class ApprovalsController {

    /**
     * A decision.
     *
     * @param approved true: the tool runs and the program gets its result; false: the call throws ToolError
     * @param reason why (shown to the program when denied), optional
     * @param decidedBy who decides, when no X-User header says so
     */
    public record DecisionRequest(Boolean approved, String reason, String decidedBy) {
    }

    private final ObjectProvider<CodeActApprovals> approvals;

    /** Looked up per request: the bean exists only in suspend mode, and these endpoints say so when it does not. */
    public ApprovalsController(ObjectProvider<CodeActApprovals> approvals) {
        this.approvals = approvals;
    }

    private CodeActApprovals approvals() {
        CodeActApprovals bean = approvals.getIfAvailable();
        if (bean == null) {
            throw ApiErrors.conflict("No approvals are kept: tools that need approval "
                    + "are suspended for a person's decision only with codeact.tools.approval-mode=suspend (and "
                    + "codeact.tools.approval-required naming them, e.g. cancel_order); start the sample with "
                    + "--spring.profiles.active=sessions");
        }
        return bean;
    }

    /** The approvals waiting for a decision, oldest first. */
    @GetMapping
    public List<ApprovalView> pending() {
        return approvals().pending().stream().map(ApprovalView::of).toList();
    }

    /** Decides one approval and answers with the rest of its program's run (which may wait for another approval). */
    @PostMapping("/{id}")
    public ResponseEntity<ExecutionView> decide(@PathVariable String id, @RequestBody(required = false) DecisionRequest request,
            @RequestHeader(name = "X-User", required = false) String user) {
        if (request == null || request.approved() == null) {
            throw ApiErrors.badRequest("'approved' is required: {\"approved\": true} or "
                    + "{\"approved\": false, \"reason\": \"not without the customer's consent\"}");
        }
        CodeActApprovals decider = approvals();
        ApprovalDecision decision = request.approved()
                ? new ApprovalDecision(true, request.reason() == null ? "" : request.reason())
                : ApprovalDecision.deny(request.reason());
        String decidedBy = user != null && !user.isBlank() ? user : request.decidedBy();
        try {
            return ExecuteController.answer(decider.decide(id, decision, decidedBy));
        } catch (UnknownApprovalException e) {
            throw ApiErrors.notFound(e.getMessage());
        }
    }
}
