package dev.codeact.spring.policy.egress;

import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;

/** fetch() from programs in the in-process GraalJS backend. */
class GraalJsFetchTest extends FetchFromProgramsTest {
    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return TestSandboxes.graalJs().execute(code, functions, limits);
    }
}
