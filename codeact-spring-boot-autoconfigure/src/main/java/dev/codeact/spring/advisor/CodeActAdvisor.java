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

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        return chain.nextCall(rewrite(request));
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        return chain.nextStream(rewrite(request));
    }

    /** The request as the model should see it: execute_code (plus direct tools) and the instructions. */
    public ChatClientRequest rewrite(ChatClientRequest request) {
        Prompt prompt = request.prompt();
        if (!(prompt.getOptions() instanceof ToolCallingChatOptions options)) {
            return request;
        }
        ToolSet tools = catalog.select(options.getToolCallbacks() == null ? List.of() : options.getToolCallbacks());
        List<ToolCallback> offered = new ArrayList<>();
        offered.add(new ExecuteCodeTool(executor, tools, answer));
        offered.addAll(tools.direct());
        ToolCallingChatOptions rewritten = options.mutate().toolCallbacks(offered).build();
        String text = instructions.render(tools);
        Prompt withInstructions = prompt.mutate().chatOptions(rewritten).build()
                .augmentSystemMessage((SystemMessage system) -> system.mutate()
                        .text(system.getText() == null || system.getText().isBlank() ? text : system.getText() + "\n\n" + text)
                        .build());
        return request.mutate().prompt(withInstructions).build();
    }
}
