package dev.codeact.spring.tools;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.springframework.ai.tool.ToolCallback;

/**
 * The application's tools and, where known, what each one returns.
 *
 * @param tools tool callbacks, unique by name
 * @param returnTypes declared Java return types by tool name (tools found as {@code @Tool} methods)
 * @param returnSchemas JSON schemas of the results by tool name (MCP tools' {@code outputSchema}); where a tool has
 *        both, this one wins
 */
public record ToolInventory(List<ToolCallback> tools, Map<String, Type> returnTypes, Map<String, String> returnSchemas) {
    public ToolInventory {
        tools = List.copyOf(tools);
        returnTypes = Map.copyOf(returnTypes);
        returnSchemas = Map.copyOf(returnSchemas);
    }

    public ToolInventory(List<ToolCallback> tools, Map<String, Type> returnTypes) {
        this(tools, returnTypes, Map.of());
    }

    public static ToolInventory of(List<ToolCallback> tools) {
        return new ToolInventory(tools, Map.of());
    }

    /** The JSON schema of what the tool of this name returns, or null where unknown. */
    public String returnSchema(String toolName) {
        String schema = returnSchemas.get(toolName);
        return schema != null ? schema : ToolDeclarations.returnSchema(returnTypes.get(toolName));
    }
}
