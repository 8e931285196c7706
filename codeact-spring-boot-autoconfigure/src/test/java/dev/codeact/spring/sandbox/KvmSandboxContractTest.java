package dev.codeact.spring.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionContractTest;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import org.junit.jupiter.api.Test;

/**
 * The execution contract through the KVM backend of the SPI; skipped, with the reason, where KVM is not usable.
 * The memory limit, which only KVM enforces, is tested on the pool itself (hyperlight-jna's LimitsTest).
 */
@RequiresKvm
class KvmSandboxContractTest extends ExecutionContractTest {
    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return TestSandboxes.kvm().execute(code, functions, limits);
    }

    @Override
    protected String backend() {
        return TestSandboxes.kvm().backend();
    }

    @Test
    void itIsTheKvmBackend() {
        assertThat(TestSandboxes.kvm().backend()).isEqualTo("kvm");
    }
}
