package dev.codeact.spring.tools;

import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.mcp.McpTools;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;

/** The tools of one request: those programs can call (as host functions) and those that stay direct. */
public final class ToolSet {
    private final Map<String, ToolCallback> sandboxed;
    private final List<ToolCallback> direct;
    private final ToolInventory inventory;
    private final ApprovalGate approval;
    private final ToolDiscovery discovery;
    private final Map<Language, Rendered> rendered = new ConcurrentHashMap<>();

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
        return declarations(Language.JAVASCRIPT);
    }

    /** Declarations of the sandboxed tools for programs in {@code language}: TypeScript, or typed Python stubs. */
    public String declarations(Language language) {
        return rendered(language).declarations();
    }

    /** One sandboxed tool's TypeScript declaration. */
    public String declaration(String name) {
        return declaration(name, Language.JAVASCRIPT);
    }

    /** One sandboxed tool's declaration for programs in {@code language}. */
    public String declaration(String name, Language language) {
        ToolCallback tool = sandboxed.get(name);
        if (tool == null) {
            return "";
        }
        return language == Language.PYTHON ? PythonToolDeclarations.declaration(tool, returnSchema(name))
                : ToolDeclarations.declaration(tool, returnSchema(name));
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
        return declared(Language.JAVASCRIPT);
    }

    /** As {@link #declared()}, measured by the declarations for programs in {@code language}. */
    public List<ToolCallback> declared(Language language) {
        return rendered(language).declared();
    }

    /** Declarations of {@link #declared()}. */
    public String declaredDeclarations() {
        return declaredDeclarations(Language.JAVASCRIPT);
    }

    /** Declarations of {@link #declared(Language)}, for programs in {@code language}. */
    public String declaredDeclarations(Language language) {
        return String.join("\n", declared(language).stream()
                .map(t -> declaration(t.getToolDefinition().name(), language)).toList());
    }

    /** Whether the instructions declare every tool, with no index. */
    public boolean declaresAll() {
        return declared().size() == sandboxed.size();
    }

    /** The sandboxed tools, searchable: what search_tools and describe_tool answer from. */
    public ToolSearch search() {
        return search(Language.JAVASCRIPT);
    }

    /** As {@link #search()}, with the declarations of programs in {@code language}. */
    public ToolSearch search(Language language) {
        return rendered(language).search();
    }

    private Rendered rendered(Language language) {
        return rendered.computeIfAbsent(language, Rendered::new);
    }

    /** What the tools look like to programs in one language, each part made once, when first asked for. */
    private final class Rendered {
        private final Language language;
        private volatile String declarations;
        private volatile ToolSearch search;
        private volatile List<ToolCallback> declared;

        Rendered(Language language) {
            this.language = language;
        }

        String declarations() {
            String text = declarations;
            if (text == null) {
                List<String> all = new ArrayList<>();
                sandboxed.keySet().forEach(name -> all.add(declaration(name, language)));
                text = String.join("\n", all);
                declarations = text;
            }
            return text;
        }

        List<ToolCallback> declared() {
            List<ToolCallback> list = declared;
            if (list == null) {
                List<ToolCallback> tools = List.copyOf(sandboxed.values());
                int[] bytes = tools.stream().mapToInt(t -> declaration(t.getToolDefinition().name(), language)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8).length).toArray();
                list = tools.subList(0, discovery.declaredCount(bytes));
                declared = list;
            }
            return list;
        }

        ToolSearch search() {
            ToolSearch s = search;
            if (s == null) {
                s = new ToolSearch(List.copyOf(sandboxed.values()), name -> declaration(name, language));
                search = s;
            }
            return s;
        }
    }

    /**
     * The sandboxed tools as host functions that run with this request's {@link ToolContext}, unobserved, as the
     * {@link ToolBridge} builds them.
     */
    public HostFunctions hostFunctions(ToolContext context) {
        return hostFunctionsBuilder(context).build();
    }

    /** As {@link #hostFunctions}, open for more functions (the sandbox's services). */
    public HostFunctions.Builder hostFunctionsBuilder(ToolContext context) {
        return ToolBridge.hostFunctions(this, Language.JAVASCRIPT, context, ToolBridge.UNOBSERVED);
    }

    /** The approval rule of the catalog this set comes from: the bridge asks it before each call. */
    ApprovalGate approval() {
        return approval;
    }
}
