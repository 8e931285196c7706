package dev.codeact.hyperlight;

import dev.codeact.hyperlight.kvm.VcpuMigration;

/** Which thread enters the guest for an execution, and so which thread the host functions run on. */
public enum VcpuThreading {
    /**
     * {@link #CALLER} for platform threads where this kernel moves a vCPU between threads cheaply (Linux 6.12
     * and later; measured once, see {@link VcpuMigration}); {@link #DEDICATED} for virtual threads and on
     * kernels where a move waits for an RCU grace period.
     */
    AUTO,
    /**
     * The calling platform thread enters the guest itself: no hand-off to another thread and back (two
     * wake-ups, 15-35 us each on nested KVM), and host functions run on the caller's thread, so thread-bound
     * state (security context, transaction, MDC) reaches them. A host function that ignores interruption
     * holds the caller until it returns, as it would outside the sandbox. Virtual threads hand off as with
     * {@link #DEDICATED}. Before Linux 6.12 every execution that comes from another thread than the VM's last
     * one waits for an RCU grace period (milliseconds); {@link #AUTO} measures that and avoids it.
     */
    CALLER,
    /**
     * Each VM's own platform thread enters the guest and runs the host functions; the caller waits. A host
     * function that never returns costs its VM (replaced by a pool), not the caller, who gets a TIMEOUT.
     */
    DEDICATED;

    private static volatile boolean announced;

    /** Measures the kernel (once per process) and says once what AUTO makes of it. */
    static void announce() {
        String description = AUTO.describe();
        if (!announced) {
            announced = true;
            java.util.logging.Logger.getLogger(VcpuThreading.class.getName()).info("vCPU threading " + description);
        }
    }

    /** What this mode does with platform-thread callers, and for AUTO what the kernel charges (measured on first use). */
    public String describe() {
        String callers = "platform-thread callers enter the guest themselves";
        String dedicated = "each VM's own thread enters the guest";
        return switch (this) {
            case CALLER -> "caller: " + callers;
            case DEDICATED -> "dedicated: " + dedicated;
            case AUTO -> {
                VcpuMigration.Measurement measurement = VcpuMigration.measurement();
                yield "auto: " + (measurement.cheap() ? callers : dedicated) + "; " + measurement;
            }
        };
    }

    /**
     * Whether an execution started now, on the current thread, runs on it. Never on a virtual thread, whatever
     * the mode: it may change carrier between two exits, and the kick must reach the OS thread inside KVM_RUN.
     */
    boolean runsOnCurrentThread() {
        if (this == DEDICATED || isVirtual(Thread.currentThread())) {
            return false;
        }
        return this == CALLER || VcpuMigration.measurement().cheap();
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    /** Thread.isVirtual() is Java 21; on 17 there are no virtual threads. */
    private static final java.lang.invoke.MethodHandle IS_VIRTUAL = findIsVirtual();

    private static java.lang.invoke.MethodHandle findIsVirtual() {
        try {
            return java.lang.invoke.MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    java.lang.invoke.MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
