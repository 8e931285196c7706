package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** fetch() from programs in the KVM micro-VM backend; skipped, with the reason, where KVM is not usable. */
@RequiresKvm
class KvmFetchTest extends FetchFromProgramsTest {
    private static KvmCodeSandbox sandbox;

    @BeforeAll
    static void startPool() {
        sandbox = new KvmCodeSandbox(SandboxPool.create(1, GuestMemorySizes.defaults(), Duration.ofSeconds(10)));
    }

    @AfterAll
    static void closePool() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return sandbox.execute(code, functions, limits);
    }
}
