package dev.codeact.hyperlight.cli;

import dev.codeact.hyperlight.HostCallWording;

/**
 * CodeAct's words for host functions: its JavaScript runtime offers them to programs as tools ({@code call_tool},
 * {@code ToolError}, an uncaught one is {@code TOOL_ERROR}), and results count {@code toolCalls}. The one place
 * CodeAct's vocabulary is defined on the host; the {@code codeact} command and the Spring layer pass it to the
 * generic library, which speaks of host functions.
 */
public final class CodeActWording {
    public static final HostCallWording TOOLS = new HostCallWording("tool", "TOOL_ERROR", "toolCalls");

    private CodeActWording() {
    }
}
