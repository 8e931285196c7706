package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** fetch() from programs in the in-process GraalJS backend. */
class GraalJsFetchTest extends FetchFromProgramsTest {
    private static GraalJsCodeSandbox sandbox;

    @BeforeAll
    static void createSandbox() {
        sandbox = GraalJsCodeSandbox.create();
    }

    @AfterAll
    static void closeSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return sandbox.execute(code, functions, limits);
    }
}
