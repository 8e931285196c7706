package dev.codeact.spring.advisor;

import dev.codeact.spring.execution.ApprovalRecord;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.ResumeListener;
import dev.codeact.spring.session.PendingApproval;
import java.util.Map;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;

/**
 * Feeds an approval's decision back into the chat whose program waited for it: a short assistant message in that
 * conversation's {@link ChatMemory} (who decided what, and what the program then answered, as execute_code would
 * have), so that the model's next turn knows the outcome. Approvals of programs outside any conversation are left
 * alone. An assistant message, not a system one, because chat memories keep one system message per conversation
 * and providers take system text only at the start.
 */
public final class ChatMemoryApprovalNotes implements ResumeListener {
    /** The metadata key of the note's approval id. */
    public static final String APPROVAL_ID = "codeact.approvalId";

    private final ChatMemory memory;
    private final AnswerFormat answer;

    /** @param answer how the program's outcome is written, capped as execute_code's answers are */
    public ChatMemoryApprovalNotes(ChatMemory memory, AnswerFormat answer) {
        this.memory = memory;
        this.answer = answer;
    }

    @Override
    public void resumed(ApprovalRecord decision, CodeExecution execution) {
        PendingApproval approval = decision.approval();
        if (approval.conversationId() == null) {
            return;
        }
        memory.add(approval.conversationId(), AssistantMessage.builder().content(note(decision, execution))
                .properties(Map.of(APPROVAL_ID, approval.id())).build());
    }

    /** The note's text: the decision in one sentence, then the program's answer. */
    String note(ApprovalRecord decision, CodeExecution execution) {
        PendingApproval approval = decision.approval();
        String reason = decision.reason() == null || decision.reason().isBlank() ? "" : " (" + decision.reason() + ")";
        String outcome = execution.pending() != null ? answer.pendingApproval(execution.pending())
                : answer.format(execution.result(), execution.files());
        return "Approval " + approval.id() + " of " + approval.tool() + " was " + decision.outcome() + " by "
                + decision.decidedBy() + reason + ". The program then answered: " + outcome;
    }
}
