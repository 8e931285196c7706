package dev.codeact.spring.tools.mcp;

import org.springframework.ai.mcp.AsyncMcpToolCallback;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.test.context.TestPropertySource;

/** The memory MCP server through Spring AI's async client (AsyncMcpToolCallback), programs in GraalJS. */
@TestPropertySource(properties = {"codeact.sandbox.backend=graaljs", "spring.ai.mcp.client.type=ASYNC"})
class AsyncMcpClientTest extends McpServerEndToEndTest {

    @Override
    protected String backend() {
        return "graaljs";
    }

    @Override
    protected Class<? extends ToolCallback> callbackType() {
        return AsyncMcpToolCallback.class;
    }
}
