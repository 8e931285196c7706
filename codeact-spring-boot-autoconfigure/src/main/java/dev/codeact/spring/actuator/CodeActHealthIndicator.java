package dev.codeact.spring.actuator;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Up when the sandbox runs a trivial program in the configured language and gets its answer; down with the reason
 * otherwise.
 */
public class CodeActHealthIndicator extends AbstractHealthIndicator {
    static final String PROBE = "return 6 * 7";
    static final String PYTHON_PROBE = "6 * 7";
    private static final ExecutionLimits PROBE_LIMITS = ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(5));
    private final CodeSandbox sandbox;
    private final Language language;

    public CodeActHealthIndicator(CodeSandbox sandbox) {
        this(sandbox, Language.JAVASCRIPT);
    }

    /** @param language the language the probe is written in: the configured one, which the sandbox runs */
    public CodeActHealthIndicator(CodeSandbox sandbox, Language language) {
        super("CodeAct sandbox health check failed");
        this.sandbox = sandbox;
        this.language = language;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ExecutionResult r = sandbox.execute(language, language == Language.PYTHON ? PYTHON_PROBE : PROBE,
                HostFunctions.none(), PROBE_LIMITS);
        builder.withDetail("backend", sandbox.backend()).withDetail("probeMs", r.duration().toNanos() / 1e6);
        if (r.success() && "42".equals(r.resultJson())) {
            builder.up();
        } else {
            builder.down().withDetail("reason", r.success() ? "the probe program returned " + r.resultJson()
                    : GuestStrings.HOST_CALL_WORDING.typeName(r.error().type()) + ": " + r.error().message());
        }
    }
}
