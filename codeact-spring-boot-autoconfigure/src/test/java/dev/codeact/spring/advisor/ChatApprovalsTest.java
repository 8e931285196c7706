package dev.codeact.spring.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.ResumeListener;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.policy.approval.ApprovalMode;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.InMemoryChatMemoryRepository;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;

/**
 * The chat side of sessions and suspended approvals, on KVM micro-VMs (the backend that keeps sessions): what the
 * instructions say in a conversation's session, execute_code's answer for a suspended program and its refusal to run
 * another in the same turn, and the decision noted in the conversation's chat memory.
 */
@RequiresKvm
class ChatApprovalsTest {
    static final class Refunds {
        final AtomicInteger refunds = new AtomicInteger();

        @Tool(description = "Refunds an order.")
        String refund(String orderId) {
            refunds.incrementAndGet();
            return "refunded " + orderId;
        }
    }

    private final Refunds tools = new Refunds();
    private final InMemorySessionStore store = new InMemorySessionStore();
    private final ToolCatalog catalog = new ToolCatalog(
            () -> new ToolInventory(List.of(ToolCallbacks.from(tools)), Map.of("refund", String.class)), List.of("*"),
            List.of(), List.of(), new ApprovalGate(List.of("refund"), null, ApprovalMode.SUSPEND));
    private final CodeActExecutor executor = new CodeActExecutor(TestSandboxes.kvm(), catalog, ExecutionLimits.defaults(),
            e -> { }, ObservationRegistry.NOOP, SandboxServices.defaults(), Language.JAVASCRIPT,
            new SessionSettings(store, true, Duration.ofMinutes(30), 16 << 20, true, Duration.ofHours(1), Clock.systemUTC()));
    private final AnswerFormat answer = new AnswerFormat(4096);
    private final InMemoryChatMemoryRepository conversations = new InMemoryChatMemoryRepository();
    private final ChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(conversations).build();

    private static final String REFUND = "return call_tool('refund', { orderId: 'O-1' });";

    @Test
    void inAConversationTheInstructionsSayWhatCarriesOver() {
        CodeActAdvisor advisor = new CodeActAdvisor(executor, catalog, answer, new CodeActInstructions(""), 0);
        String inSession = advisor.rewrite(request(Map.of(ChatMemory.CONVERSATION_ID, "c-1"))).prompt().getSystemMessage()
                .getText();
        String outside = advisor.rewrite(request(Map.of())).prompt().getSystemMessage().getText();

        assertThat(inSession).contains("values you keep on globalThis (globalThis.x = ...) are there in your next program"
                + " of this conversation; const/let are not.").doesNotContain("starts fresh");
        assertThat(outside).contains("every run starts fresh.").doesNotContain("globalThis");
    }

    @Test
    void aSuspendedProgramAnswersWithWhatToRelayAndNoFurtherProgramRunsInThatTurn() {
        ExecuteCodeTool tool = new ExecuteCodeTool(executor, catalog.select(List.of()), answer, "c-2");

        String first = tool.call("{\"code\":\"" + REFUND + "\"}", new ToolContext(Map.of("user", "ada")));
        String second = tool.call("{\"code\":\"" + REFUND + "\"}", new ToolContext(Map.of("user", "ada")));

        assertThat(tool.pendingApprovals()).singleElement().satisfies(p -> {
            assertThat(p.tool()).isEqualTo("refund");
            assertThat(p.conversationId()).isEqualTo("c-2");
            assertThat(p.toolContext()).containsEntry("user", "ada");
        });
        String id = tool.pendingApprovals().get(0).id();
        assertThat(first).contains("\"type\":\"PENDING_APPROVAL\"", "refund({\\\"orderId\\\":\\\"O-1\\\"})",
                "approval id " + id, "Do not run it again");
        assertThat(second).contains("Not run", id);
        assertThat(store.pending()).hasSize(1);
        assertThat(tools.refunds).hasValue(0);
    }

    @Test
    void theDecisionAndTheProgramsAnswerAreNotedInTheConversationsMemory() {
        CodeActApprovals approvals = new CodeActApprovals(executor, d -> { },
                new ChatMemoryApprovalNotes(memory, answer), ObservationRegistry.NOOP);
        CodeExecution suspended = executor.run(Language.JAVASCRIPT, REFUND, catalog.select(List.of()),
                new ToolContext(Map.of()), "c-3");

        approvals.decide(suspended.pending().id(), ApprovalDecision.approve(), "alice");

        assertThat(tools.refunds).hasValue(1);
        assertThat(memory.get("c-3")).singleElement().satisfies(note -> {
            assertThat(note.getText()).isEqualTo("Approval " + suspended.pending().id() + " of refund was approved by"
                    + " alice. The program then answered: {\"success\":true,\"result\":\"refunded O-1\"}");
            assertThat(note.getMetadata()).containsEntry(ChatMemoryApprovalNotes.APPROVAL_ID, suspended.pending().id());
        });
    }

    @Test
    void withSessionsOffTheApprovalStillNamesItsConversation() {
        CodeActExecutor withoutSessions = new CodeActExecutor(TestSandboxes.kvm(), catalog, ExecutionLimits.defaults(),
                e -> { }, ObservationRegistry.NOOP, SandboxServices.defaults(), Language.JAVASCRIPT,
                new SessionSettings(store, false, Duration.ofMinutes(30), 16 << 20, true, Duration.ofHours(1),
                        Clock.systemUTC()));
        CodeActApprovals approvals = new CodeActApprovals(withoutSessions, d -> { },
                new ChatMemoryApprovalNotes(memory, answer), ObservationRegistry.NOOP);
        CodeExecution suspended = withoutSessions.run(Language.JAVASCRIPT, REFUND, catalog.select(List.of()),
                new ToolContext(Map.of()), "c-4");

        CodeExecution resumed = approvals.decide(suspended.pending().id(), ApprovalDecision.deny("no"), "bob");

        assertThat(suspended.pending().conversationId()).isEqualTo("c-4");
        assertThat(resumed.conversationId()).as("it ran in no session").isNull();
        assertThat(store.stats().sessions()).as("no session was kept").isZero();
        assertThat(memory.get("c-4")).singleElement()
                .satisfies(note -> assertThat(note.getText()).contains("was denied by bob (no)"));
    }

    @Test
    void aProgramOutsideAnyConversationLeavesTheMemoryAloneAndAFailingListenerLeavesTheDecision() {
        AtomicInteger told = new AtomicInteger();
        ResumeListener failing = (d, e) -> {
            told.incrementAndGet();
            throw new IllegalStateException("the listener's own failure");
        };
        CodeActApprovals approvals = new CodeActApprovals(executor, d -> { },
                ResumeListener.of(List.of(new ChatMemoryApprovalNotes(memory, answer), failing)), ObservationRegistry.NOOP);
        CodeExecution suspended = executor.run(Language.JAVASCRIPT, REFUND, catalog.select(List.of()),
                new ToolContext(Map.of()), null);

        CodeExecution resumed = approvals.decide(suspended.pending().id(), ApprovalDecision.approve(), "alice");

        assertThat(resumed.result().resultJson()).isEqualTo("\"refunded O-1\"");
        assertThat(told).hasValue(1);
        assertThat(conversations.findConversationIds()).isEmpty();
        assertThat(suspended.pending().conversationId()).isNull();
    }

    private static ChatClientRequest request(Map<String, Object> context) {
        return ChatClientRequest.builder()
                .prompt(new Prompt(List.of(new UserMessage("Refund O-1")), ToolCallingChatOptions.builder().build()))
                .context(context).build();
    }
}
