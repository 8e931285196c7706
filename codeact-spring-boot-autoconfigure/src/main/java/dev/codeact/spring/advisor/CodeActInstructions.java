package dev.codeact.spring.advisor;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.tools.ToolSet;

/** The text appended to the system message: how to write the program, and every tool it can call. */
public final class CodeActInstructions {
    private final String extra;

    public CodeActInstructions(String extra) {
        this.extra = extra == null ? "" : extra.strip();
    }

    public String render(ToolSet tools, ExecutionLimits limits) {
        return render(tools, SandboxServices.defaults(), limits);
    }

    public String render(ToolSet tools, SandboxServices services, ExecutionLimits limits) {
        StringBuilder text = new StringBuilder("""
                ## Answering with code
                You have a tool named execute_code. To use tools or compute anything, write ONE JavaScript program and \
                run it with execute_code: call the tools, loop, filter, join and compute in the program, and return only the \
                final data you need. Prefer a single execute_code call per request over several.
                - The program is the body of an async function: `return` a JSON-serialisable value, or print with \
                console.log; top-level await works.
                - call_tool(name, args) is the only way to reach the tools below. It is synchronous, returns the tool's \
                parsed JSON result, and throws an Error named "ToolError" with the tool's message when the tool fails.
                - Each run starts from scratch: nothing persists between runs, so carry the values you need in the program.
                - There are no timers; Date.now() and Math.random() work.
                """);
        text.append("- Limits per run: ").append(seconds(limits.timeout())).append(", ")
                .append(size(limits.memoryBytes())).append(" of memory, ")
                .append(size(limits.outputBytesPerStream())).append(" of output per stream.\n");
        text.append('\n').append(services.describe());
        String declarations = tools.declarations();
        if (declarations.isEmpty()) {
            text.append("\nNo tools are available to programs; use execute_code for computation only.\n");
        } else {
            text.append("\nTools available through call_tool:\n```typescript\n").append(declarations).append("```\n");
        }
        if (!tools.approvalRequired().isEmpty()) {
            text.append("\nEvery call of these tools must be approved by a person first and may be denied (a ToolError says so): ")
                    .append(String.join(", ", tools.approvalRequired())).append(".\n");
        }
        if (!tools.direct().isEmpty()) {
            text.append("\nThese tools you may also call directly, outside programs: ")
                    .append(String.join(", ", tools.direct().stream().map(t -> t.getToolDefinition().name()).toList()))
                    .append(". To combine several tool results, prefer execute_code.\n");
        }
        if (!extra.isEmpty()) {
            text.append('\n').append(extra).append('\n');
        }
        return text.toString();
    }

    private static String seconds(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String size(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }
}
