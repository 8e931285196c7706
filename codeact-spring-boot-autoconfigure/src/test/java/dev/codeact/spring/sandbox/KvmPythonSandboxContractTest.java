package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.PythonExecutionContractTest;
import dev.codeact.hyperlight.RequiresKvm;

/** The Python execution contract through the KVM backend of the SPI; skipped, with the reason, without KVM. */
@RequiresKvm
class KvmPythonSandboxContractTest extends PythonExecutionContractTest {
    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return TestSandboxes.kvm().execute(Language.PYTHON, code, functions, limits);
    }

    @Override
    protected String backend() {
        return TestSandboxes.kvm().backend();
    }
}
