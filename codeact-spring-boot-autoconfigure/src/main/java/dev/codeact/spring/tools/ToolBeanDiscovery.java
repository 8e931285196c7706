package dev.codeact.spring.tools;

import dev.codeact.spring.tools.mcp.McpTools;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds the application's tools once every singleton exists: each bean's {@code @Tool} methods (Spring AI
 * has no scanner for them), every {@link ToolCallback} bean and every {@link ToolCallbackProvider} bean, so
 * MCP client tools come along, with their {@code outputSchema} as return schema. The first tool of a name wins;
 * later ones are logged and skipped.
 */
public final class ToolBeanDiscovery implements SmartInitializingSingleton, Supplier<ToolInventory> {
    private static final Log LOG = LogFactory.getLog(ToolBeanDiscovery.class);
    private final ListableBeanFactory beans;
    private volatile ToolInventory inventory;

    public ToolBeanDiscovery(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void afterSingletonsInstantiated() {
        get();
    }

    @Override
    public ToolInventory get() {
        ToolInventory found = inventory;
        if (found == null) {
            synchronized (this) {
                found = inventory;
                if (found == null) {
                    found = discover();
                    inventory = found;
                    LOG.info("CodeAct found " + found.tools().size() + " tool(s): "
                            + found.tools().stream().map(t -> t.getToolDefinition().name()).toList());
                }
            }
        }
        return found;
    }

    private ToolInventory discover() {
        Map<String, ToolCallback> tools = new LinkedHashMap<>();
        Map<String, Type> returnTypes = new LinkedHashMap<>();
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(name, false);
            if (type == null) {
                continue;
            }
            Class<?> userClass = ClassUtils.getUserClass(type);
            List<Method> toolMethods = new ArrayList<>();
            for (Method m : ReflectionUtils.getDeclaredMethods(userClass)) {
                if (AnnotationUtils.findAnnotation(m, Tool.class) != null) {
                    toolMethods.add(m);
                }
            }
            if (toolMethods.isEmpty()) {
                continue;
            }
            for (ToolCallback tool : MethodToolCallbackProvider.builder().toolObjects(beans.getBean(name)).build().getToolCallbacks()) {
                add(tools, tool, "bean '" + name + "'");
            }
            for (Method m : toolMethods) {
                Tool annotation = AnnotationUtils.findAnnotation(m, Tool.class);
                String toolName = StringUtils.hasText(annotation.name()) ? annotation.name() : m.getName();
                returnTypes.putIfAbsent(toolName, m.getGenericReturnType());
            }
        }
        beans.getBeansOfType(ToolCallback.class).forEach((name, tool) -> add(tools, tool, "bean '" + name + "'"));
        beans.getBeansOfType(ToolCallbackProvider.class).forEach((name, provider) -> {
            for (ToolCallback tool : provider.getToolCallbacks()) {
                add(tools, tool, "provider '" + name + "'");
            }
        });
        Map<String, String> returnSchemas = new LinkedHashMap<>();
        tools.forEach((name, tool) -> {
            String schema = McpTools.outputSchema(tool);
            if (schema != null) {
                returnSchemas.put(name, schema);
            }
        });
        return new ToolInventory(new ArrayList<>(tools.values()), returnTypes, returnSchemas);
    }

    private static void add(Map<String, ToolCallback> tools, ToolCallback tool, String source) {
        String name = tool.getToolDefinition().name();
        if (tools.putIfAbsent(name, tool) != null && tools.get(name) != tool) {
            LOG.debug("CodeAct skips a second tool named '" + name + "' from " + source);
        }
    }
}
