package dev.codeact.spring.tools;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.springframework.ai.tool.ToolCallback;

/**
 * The application's tools and, where known, each one's declared Java return type.
 *
 * @param tools tool callbacks, unique by name
 * @param returnTypes return types by tool name (only for tools found as {@code @Tool} methods)
 */
public record ToolInventory(List<ToolCallback> tools, Map<String, Type> returnTypes) {
    public ToolInventory {
        tools = List.copyOf(tools);
        returnTypes = Map.copyOf(returnTypes);
    }

    public static ToolInventory of(List<ToolCallback> tools) {
        return new ToolInventory(tools, Map.of());
    }
}
