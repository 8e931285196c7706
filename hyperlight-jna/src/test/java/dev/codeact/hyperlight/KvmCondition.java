package dev.codeact.hyperlight;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresKvm}. */
public final class KvmCondition implements ExecutionCondition {
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        KvmAvailability kvm = KvmAvailability.probe();
        if (kvm.usable()) {
            return ConditionEvaluationResult.enabled(kvm.reason());
        }
        if ("true".equals(System.getenv("CI")) && Files.exists(Path.of(KvmAvailability.DEVICE))) {
            throw new IllegalStateException("CI=true and " + KvmAvailability.DEVICE
                    + " exists, but KVM tests cannot run: " + kvm.reason());
        }
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("[codeact] skipping KVM tests: " + kvm.reason());
        }
        return ConditionEvaluationResult.disabled("KVM test skipped: " + kvm.reason());
    }
}
