package dev.codeact.spring.advisor;

import dev.codeact.spring.json.CodeActJson;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ExecuteCodeNames;
import dev.codeact.spring.tools.ToolSet;
import dev.codeact.spring.session.PendingApproval;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one tool the model sees: runs a program in the sandbox with the request's tools and answers with
 * compact JSON ({@code success}, {@code stdout}, {@code stderr}, {@code result}, {@code error}), cut to a
 * size cap with a note when it is longer.
 */
public final class ExecuteCodeTool implements ToolCallback {
    static final String INPUT_SCHEMA = inputSchema(Language.JAVASCRIPT);

    /** The tool's input: the program, described in the words of its language. */
    static String inputSchema(Language language) {
        return "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"description\":\""
                + (language == Language.PYTHON ? "Python: a module body" : "JavaScript: the body of an async function")
                + "\"}},\"required\":[\"code\"]}";
    }

    /** The tool's description, naming the backend so that logs and traces show where programs run. */
    static String description(String backend) {
        return description(backend, Language.JAVASCRIPT);
    }

    /** As {@link #description(String)}, for programs in {@code language}. */
    static String description(String backend, Language language) {
        return "Runs one " + name(language) + " program, as the instructions say, in an isolated sandbox (" + backend + ");"
                + " answers JSON {success, result, stdout, stderr, error}.";
    }

    private static String name(Language language) {
        return language == Language.PYTHON ? "Python" : "JavaScript";
    }
    private static final JsonMapper JSON = CodeActJson.MAPPER;

    private final CodeActExecutor executor;
    private final ToolSet tools;
    private final AnswerFormat answer;
    private final ToolDefinition definition;
    private final String conversationId;
    private final List<PendingApproval> pending = new CopyOnWriteArrayList<>();

    public ExecuteCodeTool(CodeActExecutor executor, ToolSet tools, AnswerFormat answer) {
        this(executor, tools, answer, null);
    }

    /**
     * @param conversationId the chat's conversation, as its chat memory names it ({@code ChatMemory.CONVERSATION_ID});
     *     its programs run in that conversation's session when sessions are on. Null outside any conversation.
     */
    public ExecuteCodeTool(CodeActExecutor executor, ToolSet tools, AnswerFormat answer, String conversationId) {
        this.conversationId = conversationId;
        this.executor = executor;
        this.tools = tools;
        this.answer = answer;
        this.definition = ToolDefinition.builder()
                .name(ExecuteCodeNames.TOOL_NAME)
                .description(description(executor.backend(), executor.language()))
                .inputSchema(inputSchema(executor.language()))
                .build();
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return definition;
    }

    @Override
    public String call(String toolInput) {
        return call(toolInput, new ToolContext(Map.of()));
    }

    @Override
    public String call(String toolInput, ToolContext toolContext) {
        String code;
        try {
            JsonNode input = JSON.readTree(toolInput == null ? "" : toolInput);
            code = input == null ? null : input.path("code").isString() ? input.get("code").asString() : null;
        } catch (JacksonException e) {
            code = null;
        }
        if (code == null) {
            return answer.invalidInput("execute_code expects {\"code\": \"<" + name(executor.language()) + " program>\"}");
        }
        if (!pending.isEmpty()) {
            return answer.awaitingApproval(pending.get(0));
        }
        CodeExecution execution = executor.run(executor.language(), code, tools,
                toolContext == null ? new ToolContext(Map.of()) : toolContext, conversationId);
        if (execution.pending() != null) {
            pending.add(execution.pending());
            return answer.pendingApproval(execution.pending());
        }
        return answer.format(execution.result(), execution.files());
    }

    /**
     * The approvals this tool's programs wait for ({@code codeact.tools.approval-mode=suspend}), in order. Once one is
     * pending, the tool runs no more programs: the turn is to end with the approval, not with another attempt.
     */
    public List<PendingApproval> pendingApprovals() {
        return List.copyOf(pending);
    }

    /** The conversation whose session its programs run in, or null. */
    public String conversationId() {
        return conversationId;
    }
}
