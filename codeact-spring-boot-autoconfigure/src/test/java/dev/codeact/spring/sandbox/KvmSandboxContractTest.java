package dev.codeact.spring.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionContractTest;
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
import org.junit.jupiter.api.Test;

/**
 * The execution contract through the KVM backend of the SPI; skipped, with the reason, where KVM is not usable.
 * The memory limit, which only KVM enforces, is tested on the pool itself (hyperlight-jna's LimitsTest).
 */
@RequiresKvm
class KvmSandboxContractTest extends ExecutionContractTest {
    private static KvmCodeSandbox sandbox;

    @BeforeAll
    static void startPool() {
        sandbox = new KvmCodeSandbox(SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(10)));
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

    @Override
    protected String backend() {
        return sandbox.backend();
    }

    @Test
    void itIsTheKvmBackend() {
        assertThat(sandbox.backend()).isEqualTo("kvm");
    }
}
