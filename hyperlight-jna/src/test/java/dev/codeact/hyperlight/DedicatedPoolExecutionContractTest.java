package dev.codeact.hyperlight;

/** The execution contract on a pool whose VMs enter the guest on their own threads, never the caller's. */
@RequiresKvm
class DedicatedPoolExecutionContractTest extends ExecutionContractTest {

    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return SharedPool.dedicated().execute(code, functions, limits);
    }

    @Override
    protected String backend() {
        return "kvm";
    }
}
