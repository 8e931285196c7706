package dev.codeact.spring.policy.egress;

import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;

/** fetch() from programs in the KVM micro-VM backend; skipped, with the reason, where KVM is not usable. */
@RequiresKvm
class KvmFetchTest extends FetchFromProgramsTest {
    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return TestSandboxes.kvm().execute(code, functions, limits);
    }
}
