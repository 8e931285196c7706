package dev.codeact.spring.advisor;

import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolSet;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import reactor.core.publisher.Flux;

/**
 * Rewrites each chat request so the model answers with code: its tools are replaced by {@code execute_code}
 * (tools configured as direct stay), and the system message gains instructions that declare every tool a
 * program can call. Must run before Spring AI's {@code ToolCallingAdvisor}, which then executes
 * {@code execute_code} like any other tool. Requests whose options cannot carry tools pass unchanged.
 *
 * <p>In a chat with memory, the request's conversation id ({@link ChatMemory#CONVERSATION_ID}) names the session its
 * programs run in ({@code codeact.sessions.enabled}); a program suspended for approval
 * ({@code codeact.tools.approval-mode=suspend}) ends up in the turn's response ({@link PendingApprovalsInResponse}).
 */
public final class CodeActAdvisor implements CallAdvisor, StreamAdvisor {
    private final CodeActExecutor executor;
    private final ToolCatalog catalog;
    private final AnswerFormat answer;
    private final CodeActInstructions instructions;
    private final int order;

    /**
     * @param executor runs the programs execute_code is given
     * @param catalog selects each request's tools
     * @param answer turns an execution into execute_code's answer
     * @param instructions what the system message gains (with the services and limits programs have)
     * @param order the advisor's order; below Spring AI's ToolCallingAdvisor
     */
    public CodeActAdvisor(CodeActExecutor executor, ToolCatalog catalog, AnswerFormat answer,
            CodeActInstructions instructions, int order) {
        this.executor = executor;
        this.catalog = catalog;
        this.answer = answer;
        this.instructions = instructions;
        this.order = order;
    }

    @Override
    public String getName() {
        return "CodeActAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }

    /**
     * Rewrites the request, and ends the turn's response with the approvals its programs wait for
     * ({@link PendingApprovalsInResponse}).
     */
    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        Rewritten rewritten = rewritten(request);
        ChatClientResponse response = chain.nextCall(rewritten.request());
        return rewritten.tool() == null ? response
                : PendingApprovalsInResponse.attach(response, rewritten.tool().pendingApprovals());
    }

    /** As {@link #adviseCall}: the chunks streamed after a program was suspended carry its approval. */
    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        Rewritten rewritten = rewritten(request);
        Flux<ChatClientResponse> responses = chain.nextStream(rewritten.request());
        return rewritten.tool() == null ? responses
                : responses.map(r -> PendingApprovalsInResponse.attach(r, rewritten.tool().pendingApprovals()));
    }

    /** The request as the model should see it: execute_code (plus direct tools) and the instructions. */
    public ChatClientRequest rewrite(ChatClientRequest request) {
        return rewritten(request).request();
    }

    /**
     * The conversation a request belongs to, as Spring AI's chat memory advisors name it (the advisor parameter
     * {@link ChatMemory#CONVERSATION_ID}), or null: its programs run in that conversation's session.
     */
    static String conversationId(ChatClientRequest request) {
        Object id = request.context().get(ChatMemory.CONVERSATION_ID);
        return id == null || id.toString().isBlank() ? null : id.toString();
    }

    /** The rewritten request and the execute_code tool it offers (null when the request cannot carry tools). */
    private record Rewritten(ChatClientRequest request, ExecuteCodeTool tool) {
    }

    private Rewritten rewritten(ChatClientRequest request) {
        Prompt prompt = request.prompt();
        if (!(prompt.getOptions() instanceof ToolCallingChatOptions options)) {
            return new Rewritten(request, null);
        }
        ToolSet tools = catalog.select(options.getToolCallbacks() == null ? List.of() : options.getToolCallbacks());
        String conversationId = conversationId(request);
        ExecuteCodeTool executeCode = new ExecuteCodeTool(executor, tools, answer, conversationId);
        List<ToolCallback> offered = new ArrayList<>();
        offered.add(executeCode);
        offered.addAll(tools.direct());
        ToolCallingChatOptions rewritten = options.mutate().toolCallbacks(offered).build();
        String text = instructions.render(tools, conversationId != null && executor.sessions().sessions());
        Prompt withInstructions = prompt.mutate().chatOptions(rewritten).build()
                .augmentSystemMessage((SystemMessage system) -> system.mutate()
                        .text(system.getText() == null || system.getText().isBlank() ? text : system.getText() + "\n\n" + text)
                        .build());
        return new Rewritten(request.mutate().prompt(withInstructions).build(), executeCode);
    }
}
