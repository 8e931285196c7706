package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;

/** One pool of the QuickJS guest shared by the KVM test classes, booted on first use. */
final class SharedPool {
    private static SandboxPool pool;

    private SharedPool() {
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
