package dev.codeact.hyperlight;

/** The Python execution contract on a micro-VM pool of the Python guest (CPython 3.13, src-guest/python). */
@RequiresKvm
class PoolPythonExecutionContractTest extends PythonExecutionContractTest {

    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return SharedPool.python().execute(code, functions, limits);
    }

    @Override
    protected String backend() {
        return "kvm";
    }
}
