package dev.codeact.spring.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;

class CodeActAdvisorTest {

    static class ShopTools {
        @Tool(description = "Price of a product in EUR.")
        double price(String sku) {
            return sku.equals("KB-1") ? 49.5 : 10;
        }

        @Tool(description = "Current user.")
        String current_user(ToolContext context) {
            return String.valueOf(context.getContext().get("user"));
        }
    }

    /** A sandbox that records what it was asked to run and answers with a fixed result. */
    static final class RecordingSandbox implements CodeSandbox {
        final AtomicReference<String> code = new AtomicReference<>();
        final AtomicReference<HostFunctions> functions = new AtomicReference<>();

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public ExecutionResult execute(dev.codeact.spring.sandbox.Language language, String program, HostFunctions hostFunctions,
                ExecutionLimits limits) {
            code.set(program);
            functions.set(hostFunctions);
            return new ExecutionResult("printed\n", false, "", false, "{\"total\":99}", null, Duration.ofMillis(1), 1);
        }

        @Override
        public void close() {
        }
    }

    private final RecordingSandbox sandbox = new RecordingSandbox();
    private final List<ExecutionListener.Execution> executions = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CodeActAdvisor advisor(List<String> direct) {
        ToolInventory inventory = new ToolInventory(List.of(ToolCallbacks.from(new ShopTools())),
                Map.of("price", double.class, "current_user", String.class));
        ToolCatalog catalog = new ToolCatalog(() -> inventory,
                List.of("*"), List.of(), direct);
        return new CodeActAdvisor(new CodeActExecutor(sandbox, catalog, ExecutionLimits.defaults(), executions::add), catalog,
                new AnswerFormat(4096), new CodeActInstructions("Answer in French."), 0);
    }

    private static ChatClientRequest request(ChatOptions options, boolean withSystem) {
        Prompt prompt = withSystem
                ? new Prompt(List.of(new SystemMessage("You are a shop assistant."), new UserMessage("What does KB-1 cost?")), options)
                : new Prompt(List.of(new UserMessage("What does KB-1 cost?")), options);
        return ChatClientRequest.builder().prompt(prompt).context(Map.of()).build();
    }

    private static List<String> toolNames(ChatClientRequest request) {
        return ((ToolCallingChatOptions) request.prompt().getOptions()).getToolCallbacks().stream()
                .map(t -> t.getToolDefinition().name()).toList();
    }

    @Test
    void theModelSeesExecuteCodeInsteadOfTheTools() {
        ChatClientRequest rewritten = advisor(List.of()).rewrite(request(ToolCallingChatOptions.builder().build(), true));
        assertThat(toolNames(rewritten)).containsExactly("execute_code");
        String system = rewritten.prompt().getSystemMessage().getText();
        assertThat(system).startsWith("You are a shop assistant.\n\n## Answering with code")
                .contains("declare function call_tool(name: \"price\", args: {\n  sku: string;\n}): number;")
                .contains("declare function call_tool(name: \"current_user\", args: {}): string;")
                .contains("/** Price of a product in EUR. */")
                .contains("- Limits: 30 s, 64 MiB memory, 1 MiB output.")
                .endsWith("Answer in French.\n");
        assertThat(rewritten.prompt().getUserMessage().getText()).isEqualTo("What does KB-1 cost?");
    }

    @Test
    void aSystemMessageIsAddedWhenThereIsNone() {
        ChatClientRequest rewritten = advisor(List.of()).rewrite(request(ToolCallingChatOptions.builder().build(), false));
        assertThat(rewritten.prompt().getSystemMessage().getText()).startsWith("## Answering with code");
    }

    @Test
    void directToolsStayNextToExecuteCode() {
        ChatClientRequest rewritten = advisor(List.of("price")).rewrite(request(ToolCallingChatOptions.builder().build(), true));
        assertThat(toolNames(rewritten)).containsExactly("execute_code", "price");
        assertThat(rewritten.prompt().getSystemMessage().getText()).contains("- You may also call these directly: price;");
    }

    @Test
    void requestsThatCannotCarryToolsPassUnchanged() {
        ChatClientRequest plain = request(ChatOptions.builder().model("m").build(), true);
        assertThat(advisor(List.of()).rewrite(plain)).isSameAs(plain);
    }

    @Test
    void executeCodeRunsTheProgramWithTheRequestsToolContextAndAnswersCompactJson() throws Exception {
        ChatClientRequest rewritten = advisor(List.of()).rewrite(request(ToolCallingChatOptions.builder().build(), true));
        ToolCallback executeCode = ((ToolCallingChatOptions) rewritten.prompt().getOptions()).getToolCallbacks().get(0);
        String answer = executeCode.call("{\"code\":\"return 1\"}", new ToolContext(Map.of("user", "ada")));
        assertThat(answer).isEqualTo("{\"success\":true,\"stdout\":\"printed\\n\",\"result\":{\"total\":99}}");
        assertThat(sandbox.code.get()).isEqualTo("return 1");
        assertThat(sandbox.functions.get().get("current_user").call("{}")).isEqualTo("\"ada\"");
        assertThat(sandbox.functions.get().get("price").call("{\"sku\":\"KB-1\"}")).isEqualTo("49.5");
        assertThat(executions).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo("return 1");
            assertThat(e.result().resultJson()).isEqualTo("{\"total\":99}");
            assertThat(e.toolContext()).containsEntry("user", "ada");
        });
    }

    @Test
    void theChatMemorysConversationIdReachesExecuteCodeAndWithoutSessionsTheInstructionsStayTheSame() {
        ChatClientRequest plain = request(ToolCallingChatOptions.builder().build(), true);
        ChatClientRequest inConversation = plain.mutate().context(ChatMemory.CONVERSATION_ID, "conv-7").build();

        ChatClientRequest rewritten = advisor(List.of()).rewrite(inConversation);

        ToolCallback executeCode = ((ToolCallingChatOptions) rewritten.prompt().getOptions()).getToolCallbacks().get(0);
        assertThat(((ExecuteCodeTool) executeCode).conversationId()).isEqualTo("conv-7");
        assertThat(rewritten.prompt().getSystemMessage().getText())
                .isEqualTo(advisor(List.of()).rewrite(plain).prompt().getSystemMessage().getText())
                .contains("every run starts fresh.");
        assertThat(((ExecuteCodeTool) ((ToolCallingChatOptions) advisor(List.of()).rewrite(plain).prompt().getOptions())
                .getToolCallbacks().get(0)).conversationId()).isNull();
    }

    @Test
    void executeCodeExplainsMalformedInput() {
        ChatClientRequest rewritten = advisor(List.of()).rewrite(request(ToolCallingChatOptions.builder().build(), true));
        ToolCallback executeCode = ((ToolCallingChatOptions) rewritten.prompt().getOptions()).getToolCallbacks().get(0);
        assertThat(executeCode.call("{\"program\":\"x\"}")).contains("INVALID_INPUT").contains("{\\\"code\\\"");
        assertThat(executeCode.getToolDefinition().inputSchema()).contains("\"required\":[\"code\"]");
        assertThat(executeCode.getToolMetadata().returnDirect()).isFalse();
    }
}
