package dev.codeact.spring.policy;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.memory.GuestMemorySizes;

/**
 * Python programs on one micro-VM of {@link GuestImage#python()} for the whole test run, with the host functions a
 * test builds from the real policy services: the Python guest's side of fs, fetch and tool discovery, without the
 * Spring sandbox (which chooses the language elsewhere). Only call it from tests marked {@code @RequiresKvm}.
 */
public final class PythonPrograms {
    private static MicroVm vm;

    private PythonPrograms() {
    }

    /** Runs one program; executions are one at a time, each from the booted snapshot. */
    public static synchronized ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        if (vm == null) {
            vm = MicroVm.start(GuestImage.python(), GuestMemorySizes.defaults());
            MicroVm started = vm;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return vm.execute(code, functions, limits);
    }
}
