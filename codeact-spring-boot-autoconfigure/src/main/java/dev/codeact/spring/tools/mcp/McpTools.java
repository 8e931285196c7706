package dev.codeact.spring.tools.mcp;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.ClassUtils;

/**
 * The MCP tools among tool callbacks. Spring AI's MCP callbacks hand back the server's content list as a string
 * ({@code [{"text": "{...}"}]}), drop the structured content, and turn {@code isError} into an exception whose
 * message is that list's {@code toString()}. For those callbacks CodeAct calls the callback's MCP client itself and
 * converts the whole result ({@link McpToolResults}). Safe without the MCP SDK on the classpath: then no callback is
 * an MCP tool, and this class touches no MCP type.
 */
public final class McpTools {
    private static final boolean PRESENT = ClassUtils.isPresent("org.springframework.ai.mcp.SyncMcpToolCallback",
            McpTools.class.getClassLoader())
            && ClassUtils.isPresent("io.modelcontextprotocol.spec.McpSchema", McpTools.class.getClassLoader());

    private McpTools() {
    }

    /** An MCP tool, called through its client. */
    public interface McpTool {

        /** The tool's {@code outputSchema} as JSON text, or null when it declares none. */
        String outputSchema();

        /**
         * Calls the tool (with the MCP {@code _meta} the callback would derive from {@code context}).
         *
         * @return the result as JSON, as {@link McpToolResults#toJson} makes it
         * @throws McpToolResults.ToolReportedError when the server answers {@code isError}
         */
        String call(String argumentsJson, ToolContext context);
    }

    /**
     * The MCP tool behind one of Spring AI's MCP callbacks ({@code SyncMcpToolCallback}, {@code AsyncMcpToolCallback},
     * not subclasses, whose {@code call} may do more); null for any other callback or when MCP is absent.
     */
    public static McpTool of(ToolCallback callback) {
        return PRESENT ? SpringAiMcpCallbacks.unwrap(callback) : null;
    }

    /** The {@code outputSchema} of the MCP tool behind {@code callback}, or null. */
    public static String outputSchema(ToolCallback callback) {
        McpTool tool = of(callback);
        return tool == null ? null : tool.outputSchema();
    }
}
