package dev.codeact.spring.tools;

import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.cli.CodeActWording;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.tools.mcp.McpTools;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The tools of one request: those programs can call (as host functions) and those that stay direct. */
public final class ToolSet {
    /** The host services behind the program's search_tools and describe_tool. */
    public static final String SEARCH_SERVICE = "codeact.tools.search";
    public static final String DESCRIBE_SERVICE = "codeact.tools.describe";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Map<String, ToolCallback> sandboxed;
    private final List<ToolCallback> direct;
    private final ToolInventory inventory;
    private final ApprovalGate approval;
    private final ToolDiscovery discovery;
    private volatile String declarations;
    private volatile ToolSearch search;
    private volatile List<ToolCallback> declared;

    ToolSet(Map<String, ToolCallback> sandboxed, List<ToolCallback> direct, ToolInventory inventory,
            ApprovalGate approval, ToolDiscovery discovery) {
        this.sandboxed = sandboxed;
        this.direct = List.copyOf(direct);
        this.inventory = inventory;
        this.approval = approval;
        this.discovery = discovery;
    }

    /** The sandboxed tools whose every call needs approval. */
    public List<String> approvalRequired() {
        return sandboxed.keySet().stream().filter(approval::requiresApproval).toList();
    }

    public Collection<ToolCallback> sandboxed() {
        return sandboxed.values();
    }

    public List<ToolCallback> direct() {
        return direct;
    }

    /** TypeScript-style declarations of the sandboxed tools, for the model's instructions. */
    public String declarations() {
        String text = declarations;
        if (text == null) {
            List<String> all = new ArrayList<>();
            sandboxed.keySet().forEach(name -> all.add(declaration(name)));
            text = String.join("\n", all);
            declarations = text;
        }
        return text;
    }

    /** One sandboxed tool's declaration. */
    public String declaration(String name) {
        ToolCallback tool = sandboxed.get(name);
        return tool == null ? "" : ToolDeclarations.declaration(tool, returnSchema(name));
    }

    /**
     * The JSON schema of what a sandboxed tool returns, or null where unknown: the callback's own (an MCP tool's
     * {@code outputSchema}, so a request's MCP tools have theirs too), else the application inventory's.
     */
    public String returnSchema(String toolName) {
        ToolCallback tool = sandboxed.get(toolName);
        if (tool == null) {
            return null;
        }
        String schema = McpTools.outputSchema(tool);
        return schema != null ? schema : inventory.returnSchema(toolName);
    }

    /**
     * The sandboxed tools the instructions declare in full, as discovery decides; the others go to the index that
     * programs search ({@link #search()}).
     */
    public List<ToolCallback> declared() {
        List<ToolCallback> list = declared;
        if (list == null) {
            List<ToolCallback> tools = List.copyOf(sandboxed.values());
            int[] bytes = tools.stream().mapToInt(t -> declaration(t.getToolDefinition().name())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8).length).toArray();
            list = tools.subList(0, discovery.declaredCount(bytes));
            declared = list;
        }
        return list;
    }

    /** Declarations of {@link #declared()}. */
    public String declaredDeclarations() {
        return String.join("\n", declared().stream().map(t -> declaration(t.getToolDefinition().name())).toList());
    }

    /** Whether the instructions declare every tool, with no index. */
    public boolean declaresAll() {
        return declared().size() == sandboxed.size();
    }

    /** The sandboxed tools, searchable: what search_tools and describe_tool answer from. */
    public ToolSearch search() {
        ToolSearch s = search;
        if (s == null) {
            s = new ToolSearch(List.copyOf(sandboxed.values()), this::declaration);
            search = s;
        }
        return s;
    }

    /**
     * The sandboxed tools as host functions that run with this request's {@link ToolContext}. A tool's
     * failure becomes the message of the JavaScript error the program sees; results that are not JSON (some
     * providers return plain text) are handed over as a JSON string. MCP tools are called through their client,
     * so a program gets their data, not the content list ({@link McpTools}).
     */
    public HostFunctions hostFunctions(ToolContext context) {
        return hostFunctionsBuilder(context).build();
    }

    /** As {@link #hostFunctions}, open for more functions (the sandbox's services). */
    public HostFunctions.Builder hostFunctionsBuilder(ToolContext context) {
        return hostFunctionsBuilder(context, (name, function) -> function);
    }

    /**
     * As {@link #hostFunctions}, each tool wrapped by {@code observer} (to time, count or trace its calls), open for
     * more functions.
     */
    public HostFunctions.Builder hostFunctionsBuilder(ToolContext context, ToolCallObserver observer) {
        HostFunctions.Builder builder = HostFunctions.builder().wording(CodeActWording.TOOLS);
        for (ToolCallback tool : sandboxed.values()) {
            String name = tool.getToolDefinition().name();
            ArgumentCheck check = new ArgumentCheck(tool.getToolDefinition().inputSchema());
            McpTools.McpTool mcp = McpTools.of(tool);
            builder.register(name, observer.observe(name, approval.guard(name, context.getContext(), argumentsJson -> {
                List<String> problems = check.problems(argumentsJson);
                if (!problems.isEmpty()) {
                    throw new HostFunctionException("wrong arguments for tool '" + name + "': " + String.join("; ", problems)
                            + "; expected " + ToolDeclarations.argumentsType(tool.getToolDefinition().inputSchema()));
                }
                try {
                    return mcp != null ? mcp.call(argumentsJson, context) : asJson(tool.call(argumentsJson, context));
                } catch (ToolExecutionException e) {
                    throw new HostFunctionException(failureMessage(tool, e.getCause() != null ? e.getCause() : e));
                } catch (RuntimeException e) {
                    throw new HostFunctionException(failureMessage(tool, e));
                }
            })));
        }
        builder.registerUnlisted(SEARCH_SERVICE, observer.observe("search_tools", argumentsJson -> {
            JsonNode args = JSON.readTree(argumentsJson);
            return search().search(args.path("query").asString(""), args.path("limit").asInt(ToolSearch.DEFAULT_LIMIT));
        }));
        builder.registerUnlisted(DESCRIBE_SERVICE, observer.observe("describe_tool",
                argumentsJson -> search().describe(JSON.readTree(argumentsJson).path("name").asString(""))));
        return builder;
    }

    /** Wraps the host function of one tool; the wrapper runs for every call the program makes. */
    @FunctionalInterface
    public interface ToolCallObserver {
        HostFunction observe(String toolName, HostFunction function);
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
