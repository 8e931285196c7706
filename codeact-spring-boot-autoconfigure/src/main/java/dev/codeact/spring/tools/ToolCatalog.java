package dev.codeact.spring.tools;

import dev.codeact.spring.policy.ToolNamePatterns;
import dev.codeact.spring.policy.approval.ApprovalGate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.ai.tool.ToolCallback;

/**
 * The application's tools, known at start-up, and the rule for which of them (and of the tools a request
 * brings) a program may call and which stay direct. Built without Spring: tests pass callbacks in.
 */
public final class ToolCatalog {
    private final Supplier<ToolInventory> applicationTools;
    private final ToolNamePatterns include;
    private final ToolNamePatterns exclude;
    private final ToolNamePatterns direct;
    private final ApprovalGate approval;
    private final ToolDiscovery discovery;

    /**
     * @param applicationTools the tools every request may use, resolved lazily once the application is up
     * @param include patterns of tools programs may call
     * @param exclude patterns of tools programs may never call
     * @param direct patterns of tools that stay ordinary tool calls for the model
     */
    public ToolCatalog(Supplier<ToolInventory> applicationTools, List<String> include, List<String> exclude,
            List<String> direct) {
        this(applicationTools, include, exclude, direct, ApprovalGate.NONE);
    }

    /** As above, with calls of some tools needing approval first. */
    public ToolCatalog(Supplier<ToolInventory> applicationTools, List<String> include, List<String> exclude,
            List<String> direct, ApprovalGate approval) {
        this(applicationTools, include, exclude, direct, approval, ToolDiscovery.declareAll());
    }

    /** As above, with the tools declared or found on demand as {@code discovery} says. */
    public ToolCatalog(Supplier<ToolInventory> applicationTools, List<String> include, List<String> exclude,
            List<String> direct, ApprovalGate approval, ToolDiscovery discovery) {
        this.approval = approval;
        this.discovery = discovery;
        this.applicationTools = applicationTools;
        this.include = ToolNamePatterns.of(include);
        this.exclude = ToolNamePatterns.of(exclude);
        this.direct = ToolNamePatterns.of(direct);
    }

    public List<ToolCallback> applicationTools() {
        return applicationTools.get().tools();
    }

    /**
     * The tools for one request: the application's plus the request's own (a request's tool wins over an
     * application tool of the same name), split into those reachable from programs and those that stay direct.
     */
    public ToolSet select(List<ToolCallback> requestTools) {
        ToolInventory inventory = applicationTools.get();
        Map<String, ToolCallback> all = new LinkedHashMap<>();
        for (ToolCallback tool : inventory.tools()) {
            all.put(tool.getToolDefinition().name(), tool);
        }
        for (ToolCallback tool : requestTools) {
            all.put(tool.getToolDefinition().name(), tool);
        }
        Map<String, ToolCallback> sandboxed = new LinkedHashMap<>();
        List<ToolCallback> directTools = new ArrayList<>();
        for (Map.Entry<String, ToolCallback> e : all.entrySet()) {
            String name = e.getKey();
            if (name.equals(ExecuteCodeNames.TOOL_NAME)) {
                continue;
            }
            if (direct.matches(name)) {
                directTools.add(e.getValue());
            }
            if (include.matches(name) && !exclude.matches(name)) {
                sandboxed.put(name, e.getValue());
            }
        }
        return new ToolSet(sandboxed, directTools, inventory, approval, discovery);
    }
}
