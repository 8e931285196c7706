package dev.codeact.spring.tools.mcp;

import dev.codeact.spring.json.CodeActJson;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.mcp.AsyncMcpToolCallback;
import org.springframework.ai.mcp.SyncMcpToolCallback;
import org.springframework.ai.mcp.ToolContextToMcpMetaConverter;
import org.springframework.ai.model.tool.internal.ToolCallReactiveContextHolder;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.ReflectionUtils;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the MCP client, the MCP tool and the {@code _meta} converter out of Spring AI's MCP callbacks, which keep
 * them in private fields and have no getters (Spring AI 2.0). Reading them is the one way to reach the raw
 * {@link CallToolResult} for every MCP callback, wherever it came from (a provider bean, a request's tools, one the
 * application built); matching callbacks to client beans by tool name could not tell two servers' tools apart.
 * Should a Spring AI release rename the fields, this logs once and the callbacks are called as ordinary tools.
 */
final class SpringAiMcpCallbacks {
    private static final Log LOG = LogFactory.getLog(SpringAiMcpCallbacks.class);
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final Fields SYNC = Fields.of(SyncMcpToolCallback.class, McpSyncClient.class);
    private static final Fields ASYNC = Fields.of(AsyncMcpToolCallback.class, McpAsyncClient.class);

    private SpringAiMcpCallbacks() {
    }

    static McpTools.McpTool unwrap(ToolCallback callback) {
        Fields fields = callback.getClass() == SyncMcpToolCallback.class ? SYNC
                : callback.getClass() == AsyncMcpToolCallback.class ? ASYNC : null;
        if (fields == null) {
            return null;
        }
        if (fields.client == null || fields.tool == null || fields.meta == null) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("CodeAct cannot reach the MCP client inside " + callback.getClass().getName()
                        + " (its fields changed); MCP tools return their content list as text, without structured content");
            }
            return null;
        }
        Object client = ReflectionUtils.getField(fields.client, callback);
        Function<CallToolRequest, CallToolResult> call = client instanceof McpSyncClient sync ? sync::callTool
                // as AsyncMcpToolCallback does: the reactive context of Spring AI's tool calling reaches the client
                : request -> ((McpAsyncClient) client).callTool(request)
                        .contextWrite(ctx -> ctx.putAll(ToolCallReactiveContextHolder.getContext())).block();
        return new Bound((Tool) ReflectionUtils.getField(fields.tool, callback),
                (ToolContextToMcpMetaConverter) ReflectionUtils.getField(fields.meta, callback), call);
    }

    private record Fields(Field client, Field tool, Field meta) {
        static Fields of(Class<?> callback, Class<?> clientType) {
            return new Fields(accessible(callback, "mcpClient", clientType), accessible(callback, "tool", Tool.class),
                    accessible(callback, "toolContextToMcpMetaConverter", ToolContextToMcpMetaConverter.class));
        }

        private static Field accessible(Class<?> type, String name, Class<?> fieldType) {
            Field field = ReflectionUtils.findField(type, name, fieldType);
            try {
                if (field != null) {
                    ReflectionUtils.makeAccessible(field);
                }
                return field;
            } catch (RuntimeException e) { // not open to reflection (a module path): as if the field were gone
                return null;
            }
        }
    }

    /** One MCP tool with its client; calls it as Spring AI's callback would, and keeps the whole result. */
    private record Bound(Tool tool, ToolContextToMcpMetaConverter meta, Function<CallToolRequest, CallToolResult> client)
            implements McpTools.McpTool {

        @Override
        public String outputSchema() {
            return tool.outputSchema() == null || tool.outputSchema().isEmpty() ? null
                    : JSON.writeValueAsString(tool.outputSchema());
        }

        @Override
        public String call(String argumentsJson, ToolContext context) {
            Map<String, Object> arguments = argumentsJson == null || argumentsJson.isBlank() ? null
                    : JSON.readValue(argumentsJson, new TypeReference<Map<String, Object>>() { });
            CallToolResult result = client.apply(CallToolRequest.builder()
                    .name(tool.name())
                    .arguments(arguments == null ? Map.of() : arguments)
                    .meta(context == null ? null : meta.convert(context))
                    .build());
            return McpToolResults.toJson(result);
        }
    }
}
