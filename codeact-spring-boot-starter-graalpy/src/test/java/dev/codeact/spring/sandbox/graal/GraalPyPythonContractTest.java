package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.PythonExecutionContractTest;
import dev.codeact.hyperlight.SandboxSizes;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The Python execution contract (the KVM guest's 89 cases) on GraalPy, with two contexts booted ahead. */
class GraalPyPythonContractTest extends PythonExecutionContractTest {
    private static GraalPyCodeSandbox sandbox;

    private static synchronized GraalPyCodeSandbox sandbox() {
        if (sandbox == null) {
            sandbox = GraalPyCodeSandbox.create(SandboxSizes.DEFAULT_PROGRAM_BYTES, SandboxSizes.DEFAULT_OUTCOME_BYTES, 2,
                    Duration.ofMinutes(2));
        }
        return sandbox;
    }

    @AfterAll
    static synchronized void close() {
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
    }

    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return sandbox().execute(Language.PYTHON, code, functions, limits);
    }

    @Override
    protected Map<String, String> knownDeviations() {
        String rewiredBuiltins = "GraalPy's json decoding is Python code that reads the builtins at run time, so a program"
                + " that rewires builtins garbles its own tool replies and outcome (only its own: each execution has a"
                + " fresh context, and the host checks every request)";
        return Map.of(
                "aToolCallStillReachesItsToolWithTheProgramsOwnValue", rewiredBuiltins,
                "aRaisedExceptionIsStillRuntimeWithItsOwnMessage", rewiredBuiltins,
                "aFailingToolIsStillAToolError", rewiredBuiltins,
                "exceptionsThatOnlyClaimToBeStackOverflowsAreRuntime", "GraalPy reports every uncaught MemoryError as"
                        + " OUT_OF_MEMORY: it cannot tell a program's own from the JVM's");
    }

    @Override
    protected String backend() {
        return sandbox().backend();
    }
}
