package dev.codeact.spring.e2e;

import static dev.codeact.spring.testing.Reply.executeCode;
import static dev.codeact.spring.testing.Reply.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.advisor.ChatMemoryApprovalNotes;
import dev.codeact.spring.advisor.PendingApprovalsInResponse;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.session.PendingApproval;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions and suspended approvals in a chat, through the real stack: the auto-configured {@link ChatClient} with the
 * OpenAI starter and Spring AI's chat memory ({@link MessageChatMemoryAdvisor}, conversations named by the advisor
 * parameter {@link ChatMemory#CONVERSATION_ID}) talks to the scripted chat-completions server; programs run in KVM
 * micro-VMs, in their conversation's session. Skipped where KVM is not usable, as {@link KvmEndToEndTest} is.
 */
@SpringBootTest(classes = E2eTestApplication.class, properties = {
        "codeact.sandbox.backend=kvm",
        "codeact.sessions.enabled=true",
        "codeact.tools.approval-mode=suspend",
        "codeact.tools.approval-required=orders_for_customer"})
class KvmChatSessionsEndToEndTest {
    static final ScriptedOpenAiServer MODEL = ScriptedOpenAiServer.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void scriptedModel(DynamicPropertyRegistry registry) {
        MODEL.registerAsOpenAi(registry, "test-key");
        registry.add("spring.main.web-application-type", () -> "none");
    }

    @BeforeAll
    static void requireKvm() {
        KvmEndToEndTest.requireKvm();
    }

    @Autowired
    ChatClient.Builder chatClientBuilder;

    @Autowired
    ChatMemory chatMemory;

    @Autowired
    CodeActApprovals approvals;

    @Autowired
    OrderTools orders;

    ChatClient chatClient;
    /** Without chat memory, whose advisor insists on a conversation id. */
    ChatClient withoutMemory;

    @BeforeEach
    void reset() {
        MODEL.reset();
        orders.reset();
        withoutMemory = chatClientBuilder.clone().build();
        chatClient = chatClientBuilder.defaultAdvisors(MessageChatMemoryAdvisor.builder(chatMemory).build()).build();
    }

    @AfterEach
    void everyScriptedReplyWasUsedAndNothingElseArrived() {
        assertThat(MODEL.unexpectedRequests()).as("requests the scripted server could not answer").isEmpty();
        assertThat(MODEL.remainingReplies()).as("scripted replies left unused").isZero();
    }

    @Test
    void globalsCarryOverBetweenTheTurnsOfOneConversationAndNoFurther() {
        MODEL.enqueue(executeCode("call_1", "globalThis.count = 41; const local = 1; return globalThis.count;"),
                text("Counting from 41."));
        assertThat(turn("conv-count", "Start counting at 41.")).isEqualTo("Counting from 41.");

        MODEL.enqueue(executeCode("call_2", "globalThis.count += 1; return { count: globalThis.count, local: typeof local };"),
                text("Now 42."));
        assertThat(turn("conv-count", "Add one.")).isEqualTo("Now 42.");

        MODEL.enqueue(executeCode("call_3", "return typeof globalThis.count;"), text("No count here."));
        assertThat(turn("conv-other", "Is there a count?")).isEqualTo("No count here.");

        List<RecordedRequest> requests = MODEL.requests();
        assertThat(requests).hasSize(6);
        assertThat(requests.get(0).systemText()).contains("values you keep on globalThis (globalThis.x = ...) are there in"
                + " your next program of this conversation; const/let are not.").doesNotContain("starts fresh");
        JsonNode second = toolResult(requests.get(3), "call_2");
        assertThat(second.path("result").path("count").asInt()).as(second.toString()).isEqualTo(42);
        assertThat(second.path("result").path("local").asString()).isEqualTo("undefined");
        assertThat(toolResult(requests.get(5), "call_3").path("result").asString()).isEqualTo("undefined");
    }

    @Test
    void withoutAConversationEveryRunStartsFresh() {
        MODEL.enqueue(executeCode("call_1", "globalThis.count = 7; return 7;"), text("Seven."));
        assertThat(withoutMemory.prompt().user("Seven?").call().content()).isEqualTo("Seven.");
        MODEL.enqueue(executeCode("call_2", "return typeof globalThis.count;"), text("Nothing kept."));
        assertThat(withoutMemory.prompt().user("Kept?").call().content()).isEqualTo("Nothing kept.");

        assertThat(MODEL.request(0).systemText()).contains("every run starts fresh").doesNotContain("globalThis.x");
        assertThat(toolResult(MODEL.request(3), "call_2").path("result").asString()).isEqualTo("undefined");
    }

    @Test
    void aCallThatNeedsApprovalEndsTheTurnWithThePendingApprovalAndItsDecisionReachesTheConversation() {
        String program = """
                const orders = call_tool("orders_for_customer", { customerId: "C-1001" });
                return { orders: orders.length };
                """;
        MODEL.enqueue(executeCode("call_1", program), text("Listing the orders needs your approval."));

        ChatResponse response = chatClient.prompt().user("How many orders has C-1001?")
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-approve")).call().chatResponse();

        assertThat(response.getResult().getOutput().getText()).isEqualTo("Listing the orders needs your approval.");
        List<PendingApproval> pending = PendingApprovalsInResponse.of(response);
        assertThat(pending).singleElement().satisfies(p -> {
            assertThat(p.tool()).isEqualTo("orders_for_customer");
            assertThat(JSON.readTree(p.argumentsJson()).path("customerId").asString()).isEqualTo("C-1001");
            assertThat(p.conversationId()).isEqualTo("conv-approve");
        });
        assertThat(orders.calls()).as("the tool waits for the approval").isZero();
        String approvalId = pending.get(0).id();
        JsonNode toolAnswer = toolResult(MODEL.request(1), "call_1");
        assertThat(toolAnswer.path("error").path("type").asString()).isEqualTo("PENDING_APPROVAL");
        assertThat(toolAnswer.path("error").path("message").asString())
                .contains("orders_for_customer", "C-1001", "approval id " + approvalId, "Do not run it again");

        CodeExecution resumed = approvals.decide(approvalId, ApprovalDecision.approve(), "alice");

        assertThat(resumed.result().success()).as(resumed.result().toString()).isTrue();
        assertThat(JSON.readTree(resumed.result().resultJson()).path("orders").asInt()).isEqualTo(4);
        assertThat(orders.calls()).as("the approved tool ran once").isEqualTo(1);
        List<Message> memory = chatMemory.get("conv-approve");
        Message note = memory.get(memory.size() - 1);
        assertThat(note.getText()).contains("Approval " + approvalId + " of orders_for_customer was approved by alice",
                "\"orders\":4");
        assertThat(note.getMetadata()).containsEntry(ChatMemoryApprovalNotes.APPROVAL_ID, approvalId);

        MODEL.enqueue(text("C-1001 has 4 orders."));
        assertThat(turn("conv-approve", "So?")).isEqualTo("C-1001 has 4 orders.");
        assertThat(MODEL.request(2).messages("assistant").stream().map(RecordedRequest::text).toList())
                .as("the model's next turn sees the decision").anySatisfy(t -> assertThat(t).contains("approved by alice"));
    }

    @Test
    void whenStreamingTheChunksAfterTheSuspensionCarryThePendingApproval() {
        MODEL.enqueue(executeCode("call_1", "return call_tool(\"orders_for_customer\", { customerId: \"C-1002\" });"),
                text("Awaiting approval."));

        List<ChatResponse> chunks = chatClient.prompt().user("Orders of C-1002?")
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-stream")).stream().chatResponse()
                .collectList().block();

        assertThat(chunks).isNotEmpty();
        assertThat(PendingApprovalsInResponse.of(chunks.get(chunks.size() - 1))).singleElement()
                .satisfies(p -> assertThat(p.tool()).isEqualTo("orders_for_customer"));
        assertThat(orders.calls()).isZero();
        String id = PendingApprovalsInResponse.of(chunks.get(chunks.size() - 1)).get(0).id();
        approvals.decide(id, ApprovalDecision.deny("not now"), "bob");
        assertThat(orders.calls()).as("a denied call does not run").isZero();
        List<Message> memory = chatMemory.get("conv-stream");
        assertThat(memory.get(memory.size() - 1).getText()).contains("was denied by bob (not now)", "ToolError");
    }

    private String turn(String conversationId, String user) {
        return chatClient.prompt().user(user).advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId)).call()
                .content();
    }

    private static JsonNode toolResult(RecordedRequest request, String callId) {
        for (JsonNode m : request.messages("tool")) {
            if (callId.equals(m.path("tool_call_id").asString())) {
                return JSON.readTree(RecordedRequest.text(m));
            }
        }
        throw new AssertionError("no tool result for " + callId + " in " + request.body());
    }
}
