package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fixed number of booted micro-VMs. {@link #acquire} hands out one that is already restored to its
 * snapshot; releasing it restores it again before it becomes idle (see {@link MicroVm#restoreForReuse()}),
 * so the restore is never between a caller and its result. A VM that broke is replaced in the background.
 */
public final class SandboxPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SandboxPool.class.getName());

    private final int size;
    private final GuestImage image;
    private final GuestMemorySizes sizes;
    private final Duration defaultAcquireTimeout;
    private final VcpuThreading threading;
    private final LinkedBlockingQueue<MicroVm> idle = new LinkedBlockingQueue<>();
    private final Set<MicroVm> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final ExecutorService refill = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "codeact-pool-refill");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private SandboxPool(int size, GuestImage image, GuestMemorySizes sizes, Duration defaultAcquireTimeout,
            VcpuThreading threading) {
        this.size = size;
        this.threading = threading;
        this.image = image;
        this.sizes = sizes;
        this.defaultAcquireTimeout = defaultAcquireTimeout;
    }

    /** Boots {@code size} VMs of the QuickJS guest; returns when all are ready. */
    public static SandboxPool create(int size, GuestMemorySizes sizes, Duration defaultAcquireTimeout) {
        return create(size, GuestImage.quickJs(), sizes, defaultAcquireTimeout);
    }

    public static SandboxPool create(int size, GuestImage image, GuestMemorySizes sizes, Duration defaultAcquireTimeout) {
        return create(size, image, sizes, defaultAcquireTimeout, VcpuThreading.AUTO);
    }

    /** As {@link #create(int, GuestImage, GuestMemorySizes, Duration)}, with the given choice of vCPU threads. */
    public static SandboxPool create(int size, GuestImage image, GuestMemorySizes sizes, Duration defaultAcquireTimeout,
            VcpuThreading threading) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, was " + size);
        }
        SandboxPool pool = new SandboxPool(size, image, sizes, defaultAcquireTimeout, threading);
        List<CompletableFuture<MicroVm>> boots = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            boots.add(CompletableFuture.supplyAsync(() -> pool.boot(), pool.refill));
        }
        try {
            for (CompletableFuture<MicroVm> boot : boots) {
                MicroVm vm = boot.join();
                pool.all.add(vm);
                pool.idle.add(vm);
            }
        } catch (RuntimeException e) {
            for (CompletableFuture<MicroVm> boot : boots) {
                boot.thenAccept(MicroVm::close);
            }
            pool.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "could not boot the sandbox pool: " + cause, cause);
        }
        return pool;
    }

    private MicroVm boot() {
        return MicroVm.start(image, sizes, dev.codeact.hyperlight.memory.RestoreStrategy.DIRTY_PAGE_COPY, threading);
    }

    /** Acquires a VM, runs the program, releases the VM. Pool exhaustion comes back as a failed result. */
    public ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        Lease lease;
        try {
            lease = acquire(defaultAcquireTimeout);
        } catch (PoolExhaustedException e) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.POOL_EXHAUSTED, e.getMessage()), defaultAcquireTimeout);
        }
        try (lease) {
            return lease.execute(code, functions, limits);
        }
    }

    /** A session that has run nothing yet, for this pool's VMs (all of one image and layout). */
    public SessionState newSession() {
        return SessionState.initial(image, dev.codeact.hyperlight.memory.GuestLayout.of(image.elf(), sizes));
    }

    /**
     * Runs one program of a session on whichever VM is free ({@link MicroVm#executeInSession}). Pool exhaustion comes
     * back as a failed step that keeps the state.
     */
    public SessionStep executeInSession(SessionState state, String code, HostFunctions functions, ExecutionLimits limits,
            long maxStateBytes) {
        return onAnyVm(state, vm -> vm.executeInSession(state, code, functions, limits, maxStateBytes));
    }

    /** Resumes a session's suspended program on whichever VM is free ({@link MicroVm#resume}). */
    public SessionStep resume(SessionState state, HostCallAnswer answer, HostFunctions functions, ExecutionLimits limits,
            long maxStateBytes) {
        return onAnyVm(state, vm -> vm.resume(state, answer, functions, limits, maxStateBytes));
    }

    private SessionStep onAnyVm(SessionState state, java.util.function.Function<MicroVm, SessionStep> step) {
        Lease lease;
        try {
            lease = acquire(defaultAcquireTimeout);
        } catch (PoolExhaustedException e) {
            return new SessionStep(ExecutionResult.failure(ExecutionError.of(ErrorType.POOL_EXHAUSTED, e.getMessage()),
                    defaultAcquireTimeout), state, false);
        }
        try (lease) {
            return step.apply(lease.vm());
        }
    }

    /** Waits up to {@code timeout} for an idle VM. */
    public Lease acquire(Duration timeout) {
        if (closed) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the sandbox pool is closed");
        }
        waiting.incrementAndGet();
        MicroVm vm;
        try {
            vm = idle.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for a sandbox", e);
        } finally {
            waiting.decrementAndGet();
        }
        if (vm == null) {
            throw new PoolExhaustedException(size, timeout);
        }
        busy.incrementAndGet();
        return new Lease(vm);
    }

    /**
     * Memory the pool's VMs hold resident now: each one's {@linkplain MicroVm#privateResidentBytes() own pages}, and
     * the booted image they all share once.
     */
    public long residentBytes() {
        return privateResidentBytes() + sharedResidentBytes();
    }

    /** The pages the pool's VMs hold each for itself (see {@link MicroVm#privateResidentBytes()}), summed. */
    public long privateResidentBytes() {
        return all.stream().mapToLong(MicroVm::privateResidentBytes).sum();
    }

    /** The booted image and low region the pool's VMs share (see {@link MicroVm#sharedResidentBytes()}), once. */
    public long sharedResidentBytes() {
        return all.stream().mapToLong(MicroVm::sharedResidentBytes).max().orElse(0);
    }

    /** How this pool's VMs choose the thread that enters the guest. */
    public VcpuThreading threading() {
        return threading;
    }

    public PoolStats stats() {
        return new PoolStats(size, idle.size(), busy.get(), waiting.get());
    }

    /**
     * Pool occupancy.
     *
     * @param size VMs the pool keeps
     * @param idle VMs ready to be acquired
     * @param busy VMs leased or being restored
     * @param waiting callers blocked in acquire
     */
    public record PoolStats(int size, int idle, int busy, int waiting) {
    }

    private void release(MicroVm vm) {
        if (closed) {
            busy.decrementAndGet();
            all.remove(vm);
            vm.close();
            return;
        }
        if (vm.isBroken()) {
            replace(vm);
            return;
        }
        vm.restoreForReuse().whenComplete((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "restoring a micro-VM failed; replacing it", error);
                replace(vm);
            } else {
                busy.decrementAndGet();
                if (closed) {
                    all.remove(vm);
                    vm.close();
                } else {
                    idle.add(vm);
                }
            }
        });
    }

    private void replace(MicroVm broken) {
        all.remove(broken);
        broken.close();
        refill.execute(() -> {
            try {
                if (!closed) {
                    MicroVm fresh = boot();
                    all.add(fresh);
                    idle.add(fresh);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "could not boot a replacement micro-VM; the pool is one smaller", e);
            } finally {
                busy.decrementAndGet();
            }
        });
    }

    /** Closes every VM: idle ones now, leased ones when they are released. */
    @Override
    public void close() {
        closed = true;
        MicroVm vm;
        while ((vm = idle.poll()) != null) {
            all.remove(vm);
            vm.close();
        }
        refill.shutdown();
        try {
            refill.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One acquired VM; close it to give it back. */
    public final class Lease implements AutoCloseable {
        private final MicroVm vm;
        private boolean released;

        private Lease(MicroVm vm) {
            this.vm = vm;
        }

        public ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
            if (released) {
                throw new IllegalStateException("this lease was already released");
            }
            return vm.execute(code, functions, limits);
        }

        public MicroVm vm() {
            return vm;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(vm);
            }
        }
    }
}
