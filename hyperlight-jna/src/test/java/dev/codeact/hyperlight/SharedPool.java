package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;

/** The pools shared by the KVM test classes (QuickJS, and the Python guest), each booted on first use. */
final class SharedPool {
    private static SandboxPool pool;
    private static SandboxPool dedicated;
    private static SandboxPool python;

    private SharedPool() {
    }

    /** A pool whose VMs always enter the guest on their own threads, whatever the kernel allows. */
    static synchronized SandboxPool dedicated() {
        if (dedicated == null) {
            dedicated = SandboxPool.create(2, GuestImage.quickJs(), GuestMemorySizes.defaults(), Duration.ofSeconds(30),
                    VcpuThreading.DEDICATED);
            Runtime.getRuntime().addShutdownHook(new Thread(dedicated::close));
        }
        return dedicated;
    }

    /** A pool of the Python guest (CPython 3.13). */
    static synchronized SandboxPool python() {
        if (python == null) {
            python = SandboxPool.create(2, GuestImage.python(), GuestMemorySizes.defaults(), Duration.ofSeconds(30));
            Runtime.getRuntime().addShutdownHook(new Thread(python::close));
        }
        return python;
    }

    static synchronized SandboxPool get() {
        if (pool == null) {
            pool = SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(30));
            Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        }
        return pool;
    }

    static final HostFunctions ECHO = HostFunctions.builder().register("echo", HostFunctions.echo()).build();

    static ExecutionResult run(String code) {
        return get().execute(code, ECHO, ExecutionLimits.defaults());
    }

    static ExecutionResult run(String code, HostFunctions functions) {
        return get().execute(code, functions, ExecutionLimits.defaults());
    }

    static ExecutionResult run(String code, ExecutionLimits limits) {
        return get().execute(code, ECHO, limits);
    }
}
