package dev.codeact.spring.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresRedis}. */
public final class RedisServerCondition implements ExecutionCondition {
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = RedisTestServer.unavailableReason();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("redis-server is installed");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true, but the Redis tests cannot run: " + missing);
        }
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("[codeact] skipping Redis tests: " + missing);
        }
        return ConditionEvaluationResult.disabled("Redis test skipped: " + missing);
    }
}
