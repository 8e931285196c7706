package dev.codeact.spring.advisor;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ToolDiscovery;
import dev.codeact.spring.tools.ToolSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.ai.tool.ToolCallback;

/**
 * The text appended to the system message: the program contract in a few lines, what the program may reach (only
 * what is configured), and the tools, declared (in TypeScript for JavaScript programs, as typed stubs for Python ones)
 * or, for large catalogs, indexed for search. Every request carries it, so each word must earn its place:
 * {@code InstructionsBudgetTest} holds its fixed part to a budget in each language.
 */
public final class CodeActInstructions {
    private static final String CONTRACT = """
            ## Answering with code
            Use execute_code: write ONE JavaScript program that does all the work (call tools, loop, filter, compute) \
            and returns only the final data.
            - It is the body of an async function: `return` a JSON value or console.log it; await works; every run \
            starts fresh.
            - call_tool(name, args) is synchronous and returns the tool's parsed result; a failing tool throws ToolError.
            - Web APIs: URL, timers, crypto.
            """;
    private static final String PYTHON_CONTRACT = """
            ## Answering with code
            Use execute_code: write ONE Python program that does all the work (call tools, loop, filter, compute) \
            and ends with only the final data.
            - A module body (await works): its final expression is the result (JSON), or print it; runs start fresh.
            - call_tool(name, args) or call_tool(name, **kwargs) returns the tool's parsed result; \
            a failing tool raises ToolError.
            - Standard library (json, re, datetime, ...); no processes, threads, sockets.
            """;
    /** The contract's last words on state, which a conversation's session replaces ({@code codeact.sessions.*}). */
    private static final String FRESH = "every run starts fresh.";
    private static final String SESSION = "values you keep on globalThis (globalThis.x = ...) are there in your next"
            + " program of this conversation; const/let are not.";
    private static final String PYTHON_FRESH = "runs start fresh.";
    private static final String PYTHON_SESSION = "top-level names and imports carry over to your next program of this"
            + " conversation.";
    private static final String SEARCH_DECLARATIONS = """
            declare function search_tools(query: string, limit?: number): { name: string; description: string; \
            declaration: string }[];
            declare function describe_tool(name: string): string;
            """;
    private static final String PYTHON_SEARCH_DECLARATIONS = """
            class ToolMatch(TypedDict): name: str; description: str; declaration: str
            def search_tools(query: str, limit: int = 5) -> list[ToolMatch]: ...
            def describe_tool(name: str) -> str: ...
            """;
    private final String extra;
    private final SandboxServices services;
    private final ExecutionLimits limits;
    private final Language language;

    /** With the default services (no network, only /output) and limits, for a caller that passes its own to render. */
    public CodeActInstructions(String extra) {
        this(extra, SandboxServices.defaults(), ExecutionLimits.defaults());
    }

    /**
     * @param extra the application's own lines, appended
     * @param services what programs may reach besides tools, described in every request
     * @param limits the limits of each execution, stated in every request
     */
    public CodeActInstructions(String extra, SandboxServices services, ExecutionLimits limits) {
        this(extra, services, limits, Language.JAVASCRIPT);
    }

    /** @param language the language the model writes programs in ({@code codeact.language}) */
    public CodeActInstructions(String extra, SandboxServices services, ExecutionLimits limits, Language language) {
        this.language = language;
        this.extra = extra == null ? "" : extra.strip();
        this.services = services;
        this.limits = limits;
    }

    /** The instructions for one request's tools, with the services and limits given at construction. */
    public String render(ToolSet tools) {
        return render(tools, false);
    }

    /**
     * As {@link #render(ToolSet)}; {@code inSession}: the request's programs run in its conversation's session, so the
     * contract says what carries over to the next program instead of that every run starts fresh.
     */
    public String render(ToolSet tools, boolean inSession) {
        return render(tools, services, limits, inSession);
    }

    public String render(ToolSet tools, ExecutionLimits limits) {
        return render(tools, SandboxServices.defaults(), limits);
    }

    public String render(ToolSet tools, SandboxServices services, ExecutionLimits limits) {
        return render(tools, services, limits, false);
    }

    private String render(ToolSet tools, SandboxServices services, ExecutionLimits limits, boolean inSession) {
        boolean python = language == Language.PYTHON;
        String contract = python ? PYTHON_CONTRACT : CONTRACT;
        if (inSession) {
            contract = python ? contract.replace(PYTHON_FRESH, PYTHON_SESSION) : contract.replace(FRESH, SESSION);
        }
        StringBuilder text = new StringBuilder(contract);
        text.append("- Limits: ").append(seconds(limits.timeout())).append(", ").append(size(limits.memoryBytes()))
                .append(" memory, ").append(size(limits.outputBytesPerStream())).append(" output.\n");
        for (String line : services.describe(language).split("\n")) {
            text.append("- ").append(line).append('\n');
        }
        List<ToolCallback> declared = tools.declared(language);
        int indexed = tools.sandboxed().size() - declared.size();
        String declarations = services.declarations(language) + tools.declaredDeclarations(language)
                + (indexed <= 0 ? "" : python ? PYTHON_SEARCH_DECLARATIONS : SEARCH_DECLARATIONS);
        if (tools.sandboxed().isEmpty()) {
            text.append("- No tools: use execute_code to compute.\n");
        } else if (indexed > 0) {
            text.append("\n").append(indexed).append(" more tools are listed after the declarations, not declared. In a"
                    + " program, search_tools(query) returns the best matches (by name, description and parameter"
                    + " names) with their declarations, and describe_tool(name) one declaration. Call a listed tool"
                    + " directly when its arguments are clear; otherwise first run a short program that returns the"
                    + " declarations you need, then the real one.\n");
        }
        if (!declarations.isEmpty()) {
            text.append(python ? "```python\n" : "```typescript\n").append(declarations).append("```\n");
        }
        if (indexed > 0) {
            Set<String> full = declared.stream().map(t -> t.getToolDefinition().name()).collect(Collectors.toSet());
            text.append(tools.search(language).index(ToolDiscovery.INDEX_BUDGET_BYTES, name -> !full.contains(name)));
        }
        if (!tools.approvalRequired().isEmpty()) {
            text.append("- Each call of these needs a person's approval and may be denied (ToolError): ")
                    .append(String.join(", ", tools.approvalRequired())).append(".\n");
        }
        if (!tools.direct().isEmpty()) {
            text.append("- You may also call these directly: ")
                    .append(String.join(", ", tools.direct().stream().map(t -> t.getToolDefinition().name()).toList()))
                    .append("; to combine results, prefer execute_code.\n");
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
