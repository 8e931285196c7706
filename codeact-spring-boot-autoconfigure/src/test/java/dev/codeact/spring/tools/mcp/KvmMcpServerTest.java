package dev.codeact.spring.tools.mcp;

import dev.codeact.hyperlight.RequiresKvm;
import org.springframework.ai.mcp.SyncMcpToolCallback;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.test.context.TestPropertySource;

/** The memory MCP server through Spring AI's sync client, programs in KVM micro-VMs. */
@RequiresKvm
@TestPropertySource(properties = "codeact.sandbox.backend=kvm")
class KvmMcpServerTest extends McpServerEndToEndTest {

    @Override
    protected String backend() {
        return "kvm";
    }

    @Override
    protected Class<? extends ToolCallback> callbackType() {
        return SyncMcpToolCallback.class;
    }
}
