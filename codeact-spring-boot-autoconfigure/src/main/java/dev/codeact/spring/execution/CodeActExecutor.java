package dev.codeact.spring.execution;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ToolBridge;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolSet;
import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.fs.OutputFile;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;

/**
 * Runs a program in the sandbox against the application's tools, outside any chat: what execute_code does
 * for the model, available to the application itself (debugging endpoints, demos, batch jobs). Programs are in the
 * configured language unless a call names another.
 */
public final class CodeActExecutor {
    /** Observation of one program's run: low-cardinality keys backend, language, outcome, error.type. */
    public static final String EXECUTION_OBSERVATION = "codeact.execution";
    /** Observation of one tool call made from a program: low-cardinality keys tool, outcome. */
    public static final String TOOL_CALL_OBSERVATION = "codeact.tool.call";

    private final CodeSandbox sandbox;
    private final ToolCatalog catalog;
    private final ExecutionLimits limits;
    private final ExecutionListener listener;
    private final ObservationRegistry observations;
    private final SandboxServices services;
    private final Language language;

    public CodeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, ExecutionLimits limits, ExecutionListener listener) {
        this(sandbox, catalog, limits, listener, ObservationRegistry.NOOP, SandboxServices.defaults());
    }

    /**
     * @param observations where each execution ({@code codeact.execution}) and each tool call made from a program
     *     ({@code codeact.tool.call}) is observed, so they show up as metrics and, with tracing, as spans
     */
    public CodeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, ExecutionLimits limits, ExecutionListener listener,
            ObservationRegistry observations) {
        this(sandbox, catalog, limits, listener, observations, SandboxServices.defaults());
    }

    /** @param services what programs may reach besides tools: fetch, fs and /output */
    public CodeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, ExecutionLimits limits, ExecutionListener listener,
            ObservationRegistry observations, SandboxServices services) {
        this(sandbox, catalog, limits, listener, observations, services, Language.JAVASCRIPT);
    }

    /** @param language the language of programs whose call names none ({@code codeact.language}) */
    public CodeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, ExecutionLimits limits, ExecutionListener listener,
            ObservationRegistry observations, SandboxServices services, Language language) {
        this.language = language;
        this.sandbox = sandbox;
        this.catalog = catalog;
        this.limits = limits;
        this.listener = listener;
        this.observations = observations;
        this.services = services;
    }

    /** Runs {@code code} with the application's tools and an empty tool context. */
    public ExecutionResult execute(String code) {
        return execute(language, code);
    }

    /** As {@link #execute(String)}, for a program in {@code language}. */
    public ExecutionResult execute(Language language, String code) {
        return run(language, code, catalog.select(List.of()), new ToolContext(Map.of())).result();
    }

    /** Runs {@code code} with the given request tools added to the application's. */
    public ExecutionResult execute(String code, List<ToolCallback> requestTools, ToolContext context) {
        return execute(code, catalog.select(requestTools), context);
    }

    /** Runs {@code code} with an already selected tool set (what one chat request offers). */
    public ExecutionResult execute(String code, ToolSet tools, ToolContext context) {
        return run(code, tools, context).result();
    }

    /** Runs {@code code} with the application's tools; the result comes with the program's /output files. */
    public CodeExecution run(String code) {
        return run(code, Map.of());
    }

    /** As {@link #run(String)}, for a program in {@code language}. */
    public CodeExecution run(Language language, String code) {
        return run(language, code, Map.of());
    }

    /** As {@link #run(String)}, with a tool context for tools that take one (user, tenant, ...). */
    public CodeExecution run(String code, Map<String, Object> toolContext) {
        return run(language, code, toolContext);
    }

    /** As {@link #run(String, Map)}, for a program in {@code language}. */
    public CodeExecution run(Language language, String code, Map<String, Object> toolContext) {
        return run(language, code, catalog.select(List.of()), new ToolContext(toolContext));
    }

    /** As {@link #execute(String, ToolSet, ToolContext)}, with the program's /output files and the tools it called. */
    public CodeExecution run(String code, ToolSet tools, ToolContext context) {
        return run(language, code, tools, context);
    }

    /**
     * As {@link #run(String, ToolSet, ToolContext)}, for a program in {@code language}.
     *
     * @throws UnsupportedOperationException when the sandbox does not run {@code language}
     */
    public CodeExecution run(Language language, String code, ToolSet tools, ToolContext context) {
        if (!sandbox.languages().contains(language)) {
            throw CodeSandbox.unsupported(sandbox, language);
        }
        Instant startedAt = Instant.now();
        ToolCallObservation toolCalls = new ToolCallObservation(observations);
        Observation execution = Observation.createNotStarted(EXECUTION_OBSERVATION, observations)
                .lowCardinalityKeyValue("backend", sandbox.backend())
                .lowCardinalityKeyValue("language", language.id())
                .start();
        ExecutionResult result;
        List<OutputFile> files;
        try (Observation.Scope scope = execution.openScope(); SandboxServices.Session session = services.open()) {
            HostFunctions.Builder functions = ToolBridge.hostFunctions(tools, language, context, toolCalls);
            session.register(functions);
            HostFunctions built = functions.build();
            toolCalls.start();
            result = sandbox.execute(language, code, built, limits);
            files = session.outputFiles();
        } catch (RuntimeException e) {
            execution.error(e).lowCardinalityKeyValue("outcome", outcome(ErrorType.SANDBOX_FAILURE)).stop();
            throw e;
        }
        // One error tag, as Micrometer makes it from the observation's error (ExecutionFailedException, or "none");
        // the kind of failure is the outcome, as http.server.requests has its status next to its error.
        if (!result.success()) {
            execution.error(new ExecutionFailedException(result.error()));
        }
        execution.lowCardinalityKeyValue("outcome", result.success() ? "success" : outcome(result.error().type())).stop();
        List<String> called = toolCalls.called();
        List<ToolCall> inOrder = toolCalls.calls();
        listener.executed(new ExecutionListener.Execution(code, result, context.getContext(), called, startedAt,
                sandbox.backend(), files, inOrder, language));
        return new CodeExecution(result, files, called, inOrder, language);
    }

    /** The outcome tag of a failed execution: its error type in lower case ({@code timeout}, {@code out_of_memory}). */
    static String outcome(ErrorType type) {
        return GuestStrings.HOST_CALL_WORDING.typeName(type).toLowerCase(java.util.Locale.ROOT);
    }

    /** The language of programs whose call names none ({@code codeact.language}). */
    public Language language() {
        return language;
    }

    public SandboxServices services() {
        return services;
    }

    /** The backend programs run in ({@code kvm}, {@code graaljs}, ...), as tools and metrics name it. */
    public String backend() {
        return sandbox.backend();
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
