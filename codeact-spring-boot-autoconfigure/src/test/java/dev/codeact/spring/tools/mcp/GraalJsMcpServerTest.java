package dev.codeact.spring.tools.mcp;

import org.springframework.ai.mcp.SyncMcpToolCallback;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.test.context.TestPropertySource;

/** The memory MCP server through Spring AI's sync client, programs in GraalJS. */
@TestPropertySource(properties = "codeact.sandbox.backend=graaljs")
class GraalJsMcpServerTest extends McpServerEndToEndTest {

    @Override
    protected String backend() {
        return "graaljs";
    }

    @Override
    protected Class<? extends ToolCallback> callbackType() {
        return SyncMcpToolCallback.class;
    }
}
