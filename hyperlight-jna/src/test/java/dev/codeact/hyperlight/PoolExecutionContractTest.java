package dev.codeact.hyperlight;

/** The execution contract on the micro-VM pool itself. */
@RequiresKvm
class PoolExecutionContractTest extends ExecutionContractTest {

    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return SharedPool.get().execute(code, functions, limits);
    }

    @Override
    protected String backend() {
        return "kvm";
    }
}
