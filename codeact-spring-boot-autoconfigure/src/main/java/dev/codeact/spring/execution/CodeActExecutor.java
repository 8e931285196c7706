package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolSet;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;

/**
 * Runs a program in the sandbox against the application's tools, outside any chat: what execute_code does
 * for the model, available to the application itself (debugging endpoints, demos, batch jobs).
 */
public final class CodeActExecutor {
    private final CodeSandbox sandbox;
    private final ToolCatalog catalog;
    private final ExecutionLimits limits;
    private final ExecutionListener listener;

    public CodeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, ExecutionLimits limits, ExecutionListener listener) {
        this.sandbox = sandbox;
        this.catalog = catalog;
        this.limits = limits;
        this.listener = listener;
    }

    /** Runs {@code code} with the application's tools and an empty tool context. */
    public ExecutionResult execute(String code) {
        return execute(code, catalog.select(List.of()), new ToolContext(Map.of()));
    }

    /** Runs {@code code} with the given request tools added to the application's. */
    public ExecutionResult execute(String code, List<ToolCallback> requestTools, ToolContext context) {
        return execute(code, catalog.select(requestTools), context);
    }

    /** Runs {@code code} with an already selected tool set (what one chat request offers). */
    public ExecutionResult execute(String code, ToolSet tools, ToolContext context) {
        ExecutionResult result = sandbox.execute(code, tools.hostFunctions(context), limits);
        listener.executed(new ExecutionListener.Execution(code, result, context.getContext()));
        return result;
    }

    public CodeSandbox sandbox() {
        return sandbox;
    }

    public ToolCatalog catalog() {
        return catalog;
    }

    public ExecutionLimits limits() {
        return limits;
    }
}
