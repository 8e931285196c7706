package dev.codeact.spring.tools;

import dev.codeact.spring.sandbox.Language;
import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.json.CodeActJson;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.tools.mcp.McpTools;
import java.util.List;
import java.util.Optional;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool bridge: how a program's {@code call_tool(name, args)} becomes the tool's call and its answer, assembled
 * here and nowhere else. Each call of a sandboxed tool goes through, from the outside in:
 * <ol>
 *   <li>observation: the {@link Observer} (the executor's: metrics, traces, the calls a run reports), which sees
 *       every call, denied or failed ones too;</li>
 *   <li>approval: the {@link ApprovalGate}, for the tools that need it, before anything else about the call;</li>
 *   <li>argument check: the arguments against the tool's input schema ({@link ArgumentCheck}), so that a wrong
 *       call fails with the expected signature instead of a conversion error from inside the tool;</li>
 *   <li>the call, with the request's {@link ToolContext} (MCP tools through their client, {@link McpTools});</li>
 *   <li>JSON: a result that is not JSON (some providers answer plain text) goes back as a JSON string, and a
 *       failure becomes the message of the program's ToolError.</li>
 * </ol>
 * {@code search_tools} and {@code describe_tool} are observed the same way.
 */
public final class ToolBridge {
    /** The host services behind the program's search_tools and describe_tool. */
    public static final String SEARCH_SERVICE = "codeact.tools.search";
    public static final String DESCRIBE_SERVICE = "codeact.tools.describe";
    /** No observation: each function as it is. */
    public static final Observer UNOBSERVED = (name, function) -> function;
    private static final JsonMapper JSON = CodeActJson.MAPPER;

    /** Wraps the host function of one tool; the wrapper runs for every call the program makes. */
    @FunctionalInterface
    public interface Observer {
        HostFunction observe(String toolName, HostFunction function);
    }

    private ToolBridge() {
    }

    /** As {@link #hostFunctions(ToolSet, Language, ToolContext, Observer)} for JavaScript programs. */
    public static HostFunctions.Builder hostFunctions(ToolSet tools, ToolContext context, Observer observer) {
        return hostFunctions(tools, Language.JAVASCRIPT, context, observer);
    }

    /**
     * The request's sandboxed tools and the search services as host functions, open for more (the sandbox's services);
     * search_tools and describe_tool answer with the declarations of programs in {@code language}.
     */
    public static HostFunctions.Builder hostFunctions(ToolSet tools, Language language, ToolContext context,
            Observer observer) {
        HostFunctions.Builder builder = HostFunctions.builder().wording(GuestStrings.HOST_CALL_WORDING);
        ApprovalGate approval = tools.approval();
        for (ToolCallback tool : tools.sandboxed()) {
            String name = tool.getToolDefinition().name();
            HostFunction call = checkedCall(tool, context);
            ArgumentCheck check = new ArgumentCheck(tool.getToolDefinition().inputSchema());
            HostFunction approved = !approval.requiresApproval(name) ? call
                    : approval.suspends() ? argumentsJson -> {
                        checkArguments(tool, check, argumentsJson); // a call with wrong arguments is not for a person
                        throw ApprovalGate.suspension(name);
                    }
                    : (BoundedHostFunction) (argumentsJson, deadline) -> {
                        approval.check(name, argumentsJson, context.getContext());
                        return call.call(argumentsJson, deadline);
                    };
            builder.register(name, observer.observe(name, approved));
        }
        builder.registerUnlisted(SEARCH_SERVICE, observer.observe("search_tools", argumentsJson -> {
            JsonNode args = JSON.readTree(argumentsJson);
            return tools.search(language).search(args.path("query").asString(""),
                    args.path("limit").asInt(ToolSearch.DEFAULT_LIMIT));
        }));
        builder.registerUnlisted(DESCRIBE_SERVICE, observer.observe("describe_tool",
                argumentsJson -> tools.search(language).describe(JSON.readTree(argumentsJson).path("name").asString(""))));
        return builder;
    }

    /**
     * The call of a tool a person approved, for a program suspended at it: the argument check, the call and the answer
     * as JSON, without asking for approval again.
     *
     * @return the call, or empty when the set has no such tool (any more)
     */
    public static Optional<HostFunction> approvedCall(ToolSet tools, String toolName, ToolContext context) {
        return tools.sandboxed().stream().filter(t -> t.getToolDefinition().name().equals(toolName)).findFirst()
                .map(tool -> checkedCall(tool, context));
    }

    /** The argument check, the call and the answer as JSON. */
    private static HostFunction checkedCall(ToolCallback tool, ToolContext context) {
        ArgumentCheck check = new ArgumentCheck(tool.getToolDefinition().inputSchema());
        McpTools.McpTool mcp = McpTools.of(tool);
        return argumentsJson -> {
            checkArguments(tool, check, argumentsJson);
            try {
                return mcp != null ? mcp.call(argumentsJson, context) : asJson(tool.call(argumentsJson, context));
            } catch (ToolExecutionException e) {
                throw new HostFunctionException(failureMessage(tool, e.getCause() != null ? e.getCause() : e));
            } catch (RuntimeException e) {
                throw new HostFunctionException(failureMessage(tool, e));
            }
        };
    }

    private static void checkArguments(ToolCallback tool, ArgumentCheck check, String argumentsJson) {
        List<String> problems = check.problems(argumentsJson);
        if (!problems.isEmpty()) {
            throw new HostFunctionException("wrong arguments for tool '" + tool.getToolDefinition().name() + "': "
                    + String.join("; ", problems) + "; expected "
                    + ToolDeclarations.argumentsType(tool.getToolDefinition().inputSchema()));
        }
    }

    private static String failureMessage(ToolCallback tool, Throwable cause) {
        String message = cause.getMessage() == null || cause.getMessage().isBlank()
                ? cause.getClass().getSimpleName() : cause.getMessage();
        return "tool '" + tool.getToolDefinition().name() + "' failed: " + message;
    }

    private static String asJson(String result) {
        if (result == null) {
            return "null";
        }
        try {
            JSON.readTree(result);
            return result;
        } catch (JacksonException e) {
            return JSON.writeValueAsString(result);
        }
    }
}
