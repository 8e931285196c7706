package dev.codeact.sample.web;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.spring.execution.CodeActExecutor;
import org.springframework.beans.factory.ObjectProvider;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ToolSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/execute} runs a program against the application's tools with the {@link CodeActExecutor}
 * bean, no model involved: what {@code execute_code} does for the model, for debugging, demos and scripts.
 * {@code GET /api/tools} shows the declarations the model gets. Programs run in the sandbox and reach only the
 * tools, but they can call every tool: expose this endpoint only to callers you would let call the tools
 * (turn it off with {@code sample.api.execute.enabled=false}).
 *
 * <p>A program that fails (syntax error, exception, tool error, a limit) is a normal answer: 200 with
 * {@code success: false}. When the sandbox itself cannot run programs (no free micro-VM within the acquire
 * timeout, KVM gone, sandbox failure) the answer is 503 with the same body. A program that stopped at a call waiting
 * for a person's approval ({@code codeact.tools.approval-mode=suspend}) is such a normal answer too, with
 * {@code error.type} PENDING_APPROVAL and a {@code pending} field; {@link ApprovalsController} decides it.
 */
@RestController
@RequestMapping("/api")
@ConditionalOnBooleanProperty(name = "sample.api.execute.enabled", matchIfMissing = true)
public class ExecuteController {
    private static final Set<ErrorType> UNAVAILABLE = Set.of(ErrorType.POOL_EXHAUSTED, ErrorType.KVM_UNAVAILABLE,
            ErrorType.SANDBOX_FAILURE);

    /**
     * A program to run.
     *
     * @param code JavaScript (the body of an async function; {@code return} a value) or Python (a module body; its
     *     final expression is the value); either calls tools with call_tool
     * @param language javascript or python; when absent, the configured one ({@code codeact.language})
     * @param conversationId the conversation whose session the program continues
     *     ({@code codeact.sessions.enabled}); absent or blank: none, the program starts fresh
     */
    public record ExecuteRequest(String code, String language, String conversationId) {
    }

    private final ObjectProvider<CodeActExecutor> executors;

    /** The executor is looked up per request: with codeact.enabled=false there is none, and these endpoints say so. */
    public ExecuteController(ObjectProvider<CodeActExecutor> executors) {
        this.executors = executors;
    }

    private CodeActExecutor executor() {
        CodeActExecutor executor = executors.getIfAvailable();
        if (executor == null) {
            throw ApiErrors.unavailable("CodeAct is disabled (codeact.enabled=false): there is no sandbox to run programs in");
        }
        return executor;
    }

    @PostMapping("/execute")
    public ResponseEntity<ExecutionView> execute(@RequestBody(required = false) ExecuteRequest request) {
        if (request == null || request.code() == null || request.code().isBlank()) {
            throw ApiErrors.badRequest("'code' is required: a program, e.g. "
                    + "{\"code\": \"return call_tool('find_customer', {id: 1})\"} or, in Python, "
                    + "{\"language\": \"python\", \"code\": \"call_tool('find_customer', id=1)\"}");
        }
        CodeActExecutor executor = executor();
        Language language = language(request.language(), executor);
        if (!executor.sandbox().languages().contains(language)) {
            throw ApiErrors.badRequest("'language': the " + executor.backend() + " sandbox here does not run " + language
                    + " (it runs " + executor.sandbox().languages() + ")");
        }
        String conversationId = ConversationIds.of(request.conversationId());
        return answer(executor.run(language, request.code(), executor.catalog().select(List.of()),
                new ToolContext(Map.of()), conversationId));
    }

    /** An execution as this API answers it: 200, or 503 when the sandbox itself could not run the program. */
    static ResponseEntity<ExecutionView> answer(CodeExecution execution) {
        ExecutionResult result = execution.result();
        boolean unavailable = result.error() != null && UNAVAILABLE.contains(result.error().type());
        return ResponseEntity.status(unavailable ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK)
                .body(ExecutionView.of(execution));
    }

    /**
     * The tools a program can call, as the declarations the model is given: TypeScript for JavaScript, typed stubs for
     * Python; in {@code language}, else the configured one.
     */
    @GetMapping(path = "/tools", produces = MediaType.TEXT_PLAIN_VALUE)
    public String tools(@RequestParam(required = false) String language) {
        CodeActExecutor executor = executor();
        ToolSet tools = executor.catalog().select(List.of());
        return tools.declarations(language(language, executor));
    }

    /** The language a request names, else the configured one; an unknown name is a bad request. */
    private static Language language(String name, CodeActExecutor executor) {
        try {
            return name == null ? executor.language() : Language.of(name);
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest("'language': " + e.getMessage());
        }
    }
}
