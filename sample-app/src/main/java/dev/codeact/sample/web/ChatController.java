package dev.codeact.sample.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.codeact.sample.conversion.ConversionTools;
import dev.codeact.sample.shop.CancelOrderTool;
import dev.codeact.sample.shop.ShopTools;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/chat}: one question to the configured model, which answers with code. The
 * {@link ChatClient.Builder} is Spring AI's auto-configured one, to which the CodeAct starter has added its
 * advisor: the model sees only {@code execute_code} and writes one program that calls the shop tools.
 */
@RestController
@RequestMapping("/api")
public class ChatController {
    private static final Logger log = LoggerFactory.getLogger(ChatController.class);
    static final String SYSTEM = """
            You are the support assistant of an online electronics shop. Answer questions about customers, orders \
            and products from the shop's data, never from memory. Amounts are in EUR unless asked otherwise. \
            Be brief and give the numbers you computed.""";

    /**
     * A question.
     *
     * @param message what the user asks
     * @param conversationId the conversation this message belongs to: given to the advisors as
     *     {@link ChatMemory#CONVERSATION_ID}, where CodeAct reads it to continue the conversation's session
     *     ({@code codeact.sessions.enabled}) and a chat memory advisor would read it too; absent or blank: none
     */
    public record ChatRequest(String message, String conversationId) {
    }

    /**
     * The model's answer and the programs it ran for this request, in order.
     *
     * @param answer the model's final text
     * @param executions the programs it ran and what they produced
     * @param conversationId the request's conversation, when it named one
     */
    public record ChatAnswer(String answer, List<ExecutionView> executions,
            @JsonInclude(JsonInclude.Include.NON_NULL) String conversationId) {
    }

    private final ChatClient chat;
    private final ChatModelStatus status;

    /**
     * The tools are given to the client too, so that with codeact.enabled=false the same app does plain Spring AI
     * tool calling; with CodeAct on they are what programs call (CodeAct also finds @Tool beans by itself).
     */
    public ChatController(ObjectProvider<ChatClient.Builder> builder, ChatModelStatus status, ShopTools shopTools,
            ConversionTools conversionTools, ObjectProvider<CancelOrderTool> cancelOrder) {
        ChatClient.Builder b = builder.getIfAvailable();
        List<Object> tools = new ArrayList<>(List.of(shopTools, conversionTools));
        cancelOrder.ifAvailable(tools::add);   // only where sample.tools.cancel-order.enabled offers it
        this.chat = b == null ? null : b.defaultSystem(SYSTEM).defaultTools(tools.toArray()).build();
        this.status = status;
    }

    @PostMapping("/chat")
    public ChatAnswer chat(@RequestBody(required = false) ChatRequest request) {
        if (request == null || request.message() == null || request.message().isBlank()) {
            throw ApiErrors.badRequest("'message' is required: {\"message\": \"What has ada.lovelace@example.com ordered?\"}");
        }
        String conversationId = ConversationIds.of(request.conversationId());
        if (chat == null || !status.configured()) {
            throw ApiErrors.unavailable(status.howToConfigure());
        }
        ExecutionCollector collector = new ExecutionCollector();
        String answer;
        try {
            answer = chat.prompt()
                    .user(request.message())
                    .toolContext(Map.of(ExecutionCollector.TOOL_CONTEXT_KEY, collector))
                    .advisors(a -> {
                        if (conversationId != null) {
                            a.param(ChatMemory.CONVERSATION_ID, conversationId);
                        }
                    })
                    .call()
                    .content();
        } catch (RuntimeException e) {
            log.warn("The chat model call failed", e);
            throw ApiErrors.badGateway("The chat model call failed: " + e.getMessage());
        }
        return new ChatAnswer(answer, collector.executions().stream()
                .map(ExecutionView::of)
                .toList(), conversationId);
    }
}
