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
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.HostCallAnswer;
import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateException;
import dev.codeact.hyperlight.SessionStep;
import dev.codeact.spring.session.PendingApproval;
import dev.codeact.spring.session.SessionKey;
import dev.codeact.spring.session.SessionLocks;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.session.SuspendedProgram;
import java.util.UUID;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.fs.OutputFile;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
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
    private final SessionSettings sessions;
    private final SessionLocks locks = new SessionLocks();

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
        this(sandbox, catalog, limits, listener, observations, services, language, SessionSettings.NONE);
    }

    /**
     * @param sessions sessions and suspended approvals ({@code codeact.sessions.*}, {@code codeact.tools.approval-mode})
     * @throws IllegalStateException when they are on and the sandbox keeps no sessions
     */
    public CodeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, ExecutionLimits limits, ExecutionListener listener,
            ObservationRegistry observations, SandboxServices services, Language language, SessionSettings sessions) {
        if ((sessions.sessions() || sessions.suspendForApproval()) && !sandbox.keepsSessions()) {
            throw new IllegalStateException(CodeSandbox.noSessions(sandbox).getMessage());
        }
        this.sessions = sessions;
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
        return run(language, code, tools, context, null);
    }

    /**
     * As {@link #run(Language, String, ToolSet, ToolContext)}, in a conversation's session: with sessions on
     * ({@code codeact.sessions.enabled}), the program starts from the state the conversation's previous program (in
     * the same language) left, and leaves its own for the next. Without a conversation id, or with sessions off, it
     * starts fresh. With {@code codeact.tools.approval-mode=suspend}, a call that needs approval suspends the program
     * and the execution ends as {@link ErrorType#PENDING_APPROVAL}, with {@link CodeExecution#pending()} set.
     *
     * @param conversationId the conversation, as Spring AI's chat memory names it, or null
     * @throws UnsupportedOperationException when the sandbox does not run {@code language}
     */
    public CodeExecution run(Language language, String code, ToolSet tools, ToolContext context, String conversationId) {
        if (!sandbox.languages().contains(language)) {
            throw CodeSandbox.unsupported(sandbox, language);
        }
        String conversation = conversationId == null || conversationId.isBlank() ? null : conversationId;
        SessionKey key = sessions.sessions() && conversation != null ? new SessionKey(conversation, language) : null;
        boolean mayAsk = sessions.suspendForApproval() && !tools.approvalRequired().isEmpty();
        if (key == null && !mayAsk) {
            return observed(language, code, tools, context, null,
                    functions -> new Step(sandbox.execute(language, code, functions, limits), null));
        }
        return observed(language, code, tools, context, key != null ? conversation : null,
                functions -> sessionStep(language, key, conversation, code, functions, context));
    }

    /**
     * Continues a program suspended for approval, with the answer to its call: the approved tool's result or the
     * error a denial makes. {@link CodeActApprovals} calls this once per approval, after claiming it.
     *
     * @param program the claimed approval and its state
     * @param tools the application's tools, which the rest of the program calls
     * @param approvedCall the tool's call when approved (it runs here, observed like the program's other calls), or
     *     null when denied
     * @param denial the error the program's call throws when denied
     */
    CodeExecution resume(SuspendedProgram program, ToolSet tools, HostFunction approvedCall, String denial) {
        PendingApproval approval = program.approval();
        ToolContext context = new ToolContext(approval.toolContext());
        // The conversation's session, when the program ran in one; with sessions off the id only names the chat.
        SessionKey key = sessions.sessions() ? approval.sessionKey() : null;
        return observed(approval.language(), "", tools, context,
                key == null ? null : approval.conversationId(),
                (functions, toolCalls) -> {
                    try { // before the tool runs: a program that cannot continue here must not have it run for it
                        sandbox.checkState(approval.language(), program.state(), sessions.maxStateBytes());
                    } catch (SessionStateException e) {
                        return new Step(refused(e, key, "the program cannot continue here, and the tool did not run"),
                                null);
                    }
                    HostCallAnswer given = approvedCall == null ? HostCallAnswer.error(denial)
                            : answer(approval, toolCalls.observe(approval.tool(), approvedCall));
                    return locks.holding(key, limits.timeout(), () -> {
                        try {
                            return settle(approval.language(), key, approval.conversationId(), sandbox.resume(
                                    approval.language(), program.state(), given, functions, limits,
                                    sessions.maxStateBytes()), context);
                        } catch (SessionStateException e) {
                            return new Step(refused(e, key), null);
                        }
                    }).orElseGet(() -> new Step(sessionBusy(key), null));
                });
    }

    /** The approved call's answer to the program: the tool's result, or its failure as the call's error. */
    private HostCallAnswer answer(PendingApproval approval, HostFunction call) {
        try {
            return HostCallAnswer.result(call.call(approval.argumentsJson(), Deadline.after(limits.timeout())));
        } catch (HostFunctionException e) {
            return HostCallAnswer.error(e.getMessage());
        } catch (Exception e) {
            return HostCallAnswer.error("tool '" + approval.tool() + "' failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private Step sessionStep(Language language, SessionKey key, String conversationId, String code,
            HostFunctions functions, ToolContext context) {
        return locks.holding(key, limits.timeout(), () -> {
            SessionState start;
            try {
                start = key == null ? null : sessions.store().load(key, sessions.maxStateBytes()).orElse(null);
            } catch (SessionStateException e) {
                return new Step(refused(e, key), null);
            } catch (RuntimeException e) {
                return new Step(ExecutionResult.failure(storeFailed(e, "the program did not run"), Duration.ZERO), null);
            }
            try {
                return settle(language, key, conversationId, sandbox.executeInSession(language,
                        start != null ? start : sandbox.newSession(language), code, functions, limits,
                        sessions.maxStateBytes()), context);
            } catch (SessionStateException e) {
                return new Step(refused(e, key), null);
            }
        }).orElseGet(() -> new Step(sessionBusy(key), null));
    }

    /** Another program of the session held it for the whole of this one's time limit. */
    private ExecutionResult sessionBusy(SessionKey key) {
        return ExecutionResult.failure(ExecutionError.of(ErrorType.TIMEOUT, "another program of conversation "
                + key.conversationId() + " kept its session busy for the whole time limit (" + limits.timeout()
                + "); this program did not run"), limits.timeout());
    }

    /**
     * Keeps what a session step left: the session's new state, or the suspended program as a pending approval (which
     * names the conversation even outside a session, so that its decision can be told to the conversation).
     */
    private Step settle(Language language, SessionKey key, String conversationId, SessionStep step, ToolContext context) {
        if (step.suspended()) {
            SessionState.PendingCall call = step.state().pendingCall().orElseThrow();
            Instant now = sessions.clock().instant();
            PendingApproval approval = new PendingApproval(UUID.randomUUID().toString(),
                    conversationId, language, call.name(), call.argumentsJson(),
                    context.getContext(), now, now.plus(sessions.approvalExpiry()), step.state().sizeBytes());
            try {
                sessions.store().savePending(new SuspendedProgram(approval, step.state()), sessions.pendingKeepFor());
            } catch (RuntimeException e) {
                return new Step(withError(step.result(), storeFailed(e, "the program stopped at its call of "
                        + approval.tool() + ", which needs approval, and could not be kept to wait for it; the tool did"
                        + " not run")), null);
            }
            return new Step(withError(step.result(), ExecutionError.of(ErrorType.PENDING_APPROVAL, pendingMessage(approval))),
                    approval);
        }
        if (key != null && step.advanced()) {
            try {
                sessions.store().save(key, step.state(), sessions.ttl());
            } catch (RuntimeException e) {
                return new Step(withError(step.result(), storeFailed(e, "the program ran, and its session keeps the state"
                        + " from before it")), null);
            }
        }
        return new Step(step.result(), null);
    }

    /**
     * The session store failed (Redis unreachable, say): the execution fails with what happened rather than throwing,
     * so a chat's model and an endpoint's caller get a readable error.
     */
    private ExecutionError storeFailed(RuntimeException e, String consequence) {
        return ExecutionError.of(ErrorType.SANDBOX_FAILURE, "the session store (" + sessions.store().kind() + ") failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "; " + consequence);
    }

    /** What a program that waits for approval reports, for the model and the application. */
    static String pendingMessage(PendingApproval approval) {
        return "the program is waiting for a person's approval of " + approval.tool() + "(" + approval.argumentsJson()
                + ") (approval id " + approval.id() + "); it continues at that call once it is decided (approved: the"
                + " tool runs; denied: the call throws ToolError)";
    }

    /** A session's state could not be kept or used: the session is dropped, and the execution says why. */
    private ExecutionResult refused(SessionStateException e, SessionKey key) {
        return refused(e, key, null);
    }

    private ExecutionResult refused(SessionStateException e, SessionKey key, String consequence) {
        if (key != null) {
            sessions.store().remove(key);
        }
        boolean tooLarge = e.reason() == SessionStateException.Reason.TOO_LARGE;
        String message = (tooLarge ? "the session's state outgrew codeact.sessions.max-bytes (" + sessions.maxStateBytes()
                + " bytes): " : "the session's state was refused (" + e.reason() + "): ") + e.getMessage()
                + (consequence == null ? "" : "; " + consequence)
                + (key == null ? "" : "; the session was dropped, and the next program of this conversation starts fresh");
        ExecutionError error = ExecutionError.of(tooLarge ? ErrorType.SESSION_LIMIT : ErrorType.SESSION_REFUSED, message);
        return e.result() != null ? withError(e.result(), error) : ExecutionResult.failure(error, Duration.ZERO);
    }

    private static ExecutionResult withError(ExecutionResult r, ExecutionError error) {
        return new ExecutionResult(r.stdout(), r.stdoutTruncated(), r.stderr(), r.stderrTruncated(), null, error,
                r.duration(), r.hostCalls());
    }

    /** What one run of the sandbox gave: its result, and the approval it waits for when it was suspended. */
    private record Step(ExecutionResult result, PendingApproval pending) {
    }

    /** One run of the sandbox with the request's host functions. */
    @FunctionalInterface
    private interface Run {
        Step run(HostFunctions functions, ToolCallObservation toolCalls);
    }

    private CodeExecution observed(Language language, String code, ToolSet tools, ToolContext context,
            String conversationId, java.util.function.Function<HostFunctions, Step> run) {
        return observed(language, code, tools, context, conversationId, (Run) (functions, toolCalls) -> run.apply(functions));
    }

    /** Runs {@code run} observed (codeact.execution, the tool calls), with the services, and tells the listeners. */
    private CodeExecution observed(Language language, String code, ToolSet tools, ToolContext context,
            String conversationId, Run run) {
        Instant startedAt = Instant.now();
        ToolCallObservation toolCalls = new ToolCallObservation(observations);
        Observation execution = Observation.createNotStarted(EXECUTION_OBSERVATION, observations)
                .lowCardinalityKeyValue("backend", sandbox.backend())
                .lowCardinalityKeyValue("language", language.id())
                .start();
        Step step;
        List<OutputFile> files;
        try (Observation.Scope scope = execution.openScope(); SandboxServices.Session session = services.open()) {
            HostFunctions.Builder functions = ToolBridge.hostFunctions(tools, language, context, toolCalls);
            session.register(functions);
            HostFunctions built = functions.build();
            toolCalls.start();
            step = run.run(built, toolCalls);
            files = session.outputFiles();
        } catch (RuntimeException e) {
            execution.error(e).lowCardinalityKeyValue("outcome", outcome(ErrorType.SANDBOX_FAILURE)).stop();
            throw e;
        }
        ExecutionResult result = step.result();
        // One error tag, as Micrometer makes it from the observation's error (ExecutionFailedException, or "none");
        // the kind of failure is the outcome, as http.server.requests has its status next to its error.
        if (!result.success() && result.error().type() != ErrorType.PENDING_APPROVAL) { // waiting is no failure
            execution.error(new ExecutionFailedException(result.error()));
        }
        execution.lowCardinalityKeyValue("outcome", result.success() ? "success" : outcome(result.error().type())).stop();
        List<String> called = toolCalls.called();
        List<ToolCall> inOrder = toolCalls.calls();
        listener.executed(new ExecutionListener.Execution(code, result, context.getContext(), called, startedAt,
                sandbox.backend(), files, inOrder, language));
        return new CodeExecution(result, files, called, inOrder, language, conversationId, step.pending());
    }

    /** The outcome tag of a failed execution: its error type in lower case ({@code timeout}, {@code out_of_memory}). */
    static String outcome(ErrorType type) {
        return GuestStrings.HOST_CALL_WORDING.typeName(type).toLowerCase(java.util.Locale.ROOT);
    }

    /** The language of programs whose call names none ({@code codeact.language}). */
    public Language language() {
        return language;
    }

    /** Sessions and suspended approvals, as configured. */
    public SessionSettings sessions() {
        return sessions;
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
