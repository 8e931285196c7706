package dev.codeact.spring.tools;

/** Names shared by the tool bridge and the advisor. */
public final class ExecuteCodeNames {
    /** The one tool the model sees. */
    public static final String TOOL_NAME = "execute_code";

    private ExecuteCodeNames() {
    }
}
