package dev.codeact.spring.execution;

import java.time.Duration;

/**
 * One tool call a program made, as the host saw it: what a debugger, a playground or an audit log shows of a
 * run. Arguments and result are the JSON text that crossed the sandbox boundary, unparsed.
 *
 * @param name the tool (or search_tools / describe_tool)
 * @param arguments the arguments the program passed, as JSON
 * @param result what the tool returned to the program, as JSON; null when it failed
 * @param error why it failed (the message the program's ToolError carries); null when it succeeded
 * @param startOffset when the call started, counted from when the program was handed to the sandbox (which
 *     includes waiting for a free micro-VM, so a call may end a little after the sandbox's own duration)
 * @param duration how long the call took on the host
 */
public record ToolCall(String name, String arguments, String result, String error, Duration startOffset,
        Duration duration) {

    public boolean success() {
        return error == null;
    }
}
