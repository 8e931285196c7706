package dev.codeact.spring.advisor;

import dev.codeact.spring.json.CodeActJson;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ExecuteCodeNames;
import dev.codeact.spring.tools.ToolSet;
import java.util.Map;
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

    public ExecuteCodeTool(CodeActExecutor executor, ToolSet tools, AnswerFormat answer) {
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
        CodeExecution execution = executor.run(code, tools, toolContext == null ? new ToolContext(Map.of()) : toolContext);
        return answer.format(execution.result(), execution.files());
    }
}
