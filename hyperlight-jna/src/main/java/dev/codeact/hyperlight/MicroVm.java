package dev.codeact.hyperlight;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.arch.X86Registers;
import dev.codeact.hyperlight.elf.ElfImage;
import dev.codeact.hyperlight.kvm.KickSignal;
import dev.codeact.hyperlight.kvm.KvmApi;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.hyperlight.kvm.KvmVcpu;
import dev.codeact.hyperlight.kvm.KvmVm;
import dev.codeact.hyperlight.kvm.LibC;
import dev.codeact.hyperlight.memory.BootedImage;
import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.LowRegionTemplate;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * One micro-VM with one vCPU, booted into a guest and snapshotted there. Each {@link #execute} starts from
 * the snapshot: memory and registers are restored before it runs (eagerly after the previous one, by
 * {@link #restore()}). The VM has its own platform thread for booting, restoring and closing; an execution
 * enters the guest on the caller's thread or on that one, as its {@link VcpuThreading} says. One thing at a
 * time touches the VM: executions and restores are serialised.
 *
 * <p>This class keeps the VM's life: start, boot, the public operations, close. The rest is next to it: which
 * thread runs the VM's work in {@link VmThread}, the vCPU's entry, exits and host calls in {@link VcpuLoop}, the
 * snapshot in {@link VmSnapshot}, the deadline, CPU limit and stop in {@link ExecutionSupervisor}, the x86 state
 * in {@link X86Registers}.
 */
public final class MicroVm implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MicroVm.class.getName());
    /** After a soft stop, how long the guest gets to unwind before the vCPU is kicked out. */
    private static final Duration HARD_KILL_GRACE = Duration.ofMillis(20);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static volatile boolean announced;

    private final GuestMemorySizes sizes;
    private final RestoreStrategy restoreStrategy;
    private final GuestLayout layout;
    private final GuestImage image;
    private final ElfImage elf;
    private final VmThread thread;
    private final VmCounters counters = new VmCounters();
    private volatile boolean broken;
    private KvmVm vm;
    private KvmVcpu vcpu;
    private Pointer memory;
    private VmSnapshot snapshot;
    private VcpuLoop loop;
    private SessionRunner sessions;
    private long bootHeapHighWaterBytes;
    private Duration bootDuration;
    private boolean closed;

    private MicroVm(GuestImage image, GuestMemorySizes sizes, RestoreStrategy restoreStrategy, VcpuThreading threading) {
        this.sizes = sizes;
        this.restoreStrategy = restoreStrategy;
        this.thread = new VmThread(threading);
        this.image = image;
        this.elf = image.elf();
        this.layout = GuestLayout.of(elf, sizes);
    }

    /** Creates a VM, loads the image, boots the guest and takes the snapshot. */
    public static MicroVm start(GuestImage image, GuestMemorySizes sizes) {
        return start(image, sizes, RestoreStrategy.DIRTY_PAGE_COPY);
    }

    /** As {@link #start(GuestImage, GuestMemorySizes)}, restoring memory the given way. */
    public static MicroVm start(GuestImage image, GuestMemorySizes sizes, RestoreStrategy restoreStrategy) {
        return start(image, sizes, restoreStrategy, VcpuThreading.AUTO);
    }

    /** As {@link #start(GuestImage, GuestMemorySizes)}, restoring memory and choosing threads the given ways. */
    public static MicroVm start(GuestImage image, GuestMemorySizes sizes, RestoreStrategy restoreStrategy,
            VcpuThreading threading) {
        KvmAvailability kvm = KvmAvailability.probe();
        if (!kvm.usable()) {
            throw new KvmUnavailableException(kvm.reason());
        }
        if (KickSignal.install() != 0 && !announced) {
            announced = true;
            LOG.info(kvm.reason());
        }
        if (threading == VcpuThreading.AUTO) {
            VcpuThreading.announce(); // measures the kernel once, at start rather than in a first execution
        }
        MicroVm vm = new MicroVm(image, sizes, restoreStrategy, threading);
        try {
            vm.thread.run(vm::boot, BOOT_TIMEOUT.toNanos());
            return vm;
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
    }

    public Duration bootDuration() {
        return bootDuration;
    }

    public GuestLayout layout() {
        return layout;
    }

    /** True when a host function never returned and the VM's thread is lost; such a VM must be closed. */
    public boolean isBroken() {
        return broken;
    }

    /**
     * What this VM has spent since it started: time in {@code KVM_RUN}, exits by kind, restores and the pages they
     * copied. Read it between executions.
     */
    public VmCounters.Totals counters() {
        return counters.read();
    }

    /**
     * Memory this VM holds resident now: {@link #privateResidentBytes()} and {@link #sharedResidentBytes()}. Pages are
     * only resident once written, so this is the VM's real cost, not its configured size.
     */
    public long residentBytes() {
        return privateResidentBytes() + sharedResidentBytes();
    }

    /**
     * Memory only this VM holds: the guest pages it wrote since it started (copies of the booted image's pages, the
     * heap an execution grew), what one more VM of this image costs.
     */
    public long privateResidentBytes() {
        return thread.run(() -> LibC.privateResidentBytes(memory, layout.totalBytes()), BOOT_TIMEOUT.toNanos());
    }

    /**
     * Memory this VM shares with the other VMs of its image and layout: the booted image, which is their golden
     * snapshot and the pages they read but have not written, and the read-only low region.
     */
    public long sharedResidentBytes() {
        return thread.run(() -> LibC.residentBytes(memory, layout.rwStart()) + snapshot.goldenResidentBytes(),
                BOOT_TIMEOUT.toNanos());
    }

    /** Largest memory limit an execution may ask for: the heap less what the booted runtime already holds. */
    public long maxMemoryLimitBytes() {
        return layout.heapSizeBytes() - bootHeapHighWaterBytes;
    }

    /** Runs one program from the snapshot state. Never throws for anything the program does. */
    public ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        long started = System.nanoTime();
        byte[] program = code.getBytes(StandardCharsets.UTF_8);
        ExecutionResult refused = refuse(program, limits);
        if (refused != null) {
            return refused;
        }
        ExecutionSupervisor supervisor = supervisor(started, limits, functions);
        try {
            return thread.run(() -> loop.execute(supervisor, program), supervisor.giveUpAtNanos() - System.nanoTime());
        } catch (VmThread.StuckException e) { // only the VM's own thread can be lost to a host function
            broken = true;
            return supervisor.abandon();
        }
    }

    /** A session that has run nothing yet, for this VM's image and layout (and any VM of the same). */
    public SessionState newSession() {
        return SessionState.initial(image, layout);
    }

    /**
     * Runs one program of a session: from the snapshot with {@code state}'s pages over it, so that it finds what the
     * session's earlier programs left (their globals), then takes the session's new state (see {@link SessionStep}).
     * The VM itself goes back to its snapshot afterwards, as after any execution.
     *
     * @param maxStateBytes bound on the state, before and after: a larger one fails, never truncated
     * @throws SessionStateException when {@code state} is not this VM's (image, layout), too large, or suspended; or
     *     when the new state would be too large (the exception carries the execution's result)
     */
    public SessionStep executeInSession(SessionState state, String code, HostFunctions functions, ExecutionLimits limits,
            long maxStateBytes) {
        long started = System.nanoTime();
        state.checkFits(image.contentKey(), layout, maxStateBytes);
        if (state.suspended()) {
            throw new SessionStateException(SessionStateException.Reason.SUSPENDED, "the session waits at a call to '"
                    + state.pendingCall().orElseThrow().name() + "': resume it before it runs another program");
        }
        byte[] program = code.getBytes(StandardCharsets.UTF_8);
        ExecutionResult refused = refuse(program, limits);
        if (refused != null) {
            return new SessionStep(refused, state, false);
        }
        ExecutionSupervisor supervisor = supervisor(started, limits, functions);
        return runStep(supervisor, state, () -> sessions.execute(supervisor, program, state, maxStateBytes));
    }

    /**
     * Completes the host call a session's program is suspended at with {@code answer}, on this VM whichever VM
     * suspended it, and runs the program on from there. The host function is not called again: the answer is the
     * call's result (or its error).
     *
     * @throws SessionStateException as {@link #executeInSession}, or when {@code state} is not suspended
     */
    public SessionStep resume(SessionState state, HostCallAnswer answer, HostFunctions functions, ExecutionLimits limits,
            long maxStateBytes) {
        long started = System.nanoTime();
        state.checkFits(image.contentKey(), layout, maxStateBytes);
        if (!state.suspended()) {
            throw new SessionStateException(SessionStateException.Reason.NOT_SUSPENDED, "the session waits at no call");
        }
        ExecutionSupervisor supervisor = supervisor(started, limits, functions);
        return runStep(supervisor, state, () -> sessions.resume(supervisor, state, answer, maxStateBytes));
    }

    private SessionStep runStep(ExecutionSupervisor supervisor, SessionState state, java.util.concurrent.Callable<SessionStep> step) {
        try {
            return thread.run(step, supervisor.giveUpAtNanos() - System.nanoTime());
        } catch (VmThread.StuckException e) {
            broken = true;
            return new SessionStep(supervisor.abandon(), state, false);
        }
    }

    /** The failure for a program this VM cannot take (too large), or null; limits it cannot honour are the caller's error. */
    private ExecutionResult refuse(byte[] program, ExecutionLimits limits) {
        if (program.length > layout.inCapacityBytes()) {
            return ExecutionResult.failure(ExecutionError.of(ErrorType.SYNTAX, "the program is " + program.length
                    + " bytes, the limit is " + layout.inCapacityBytes() + " bytes"), Duration.ZERO);
        }
        if (limits.memoryBytes() > maxMemoryLimitBytes()) {
            throw new IllegalArgumentException("memory limit " + limits.memoryBytes() + " bytes exceeds what this VM's heap can hold ("
                    + maxMemoryLimitBytes() + " bytes); create the VM with a larger heap");
        }
        if (limits.stackBytes() > sizes.stackBytes() - (64 << 10)) {
            throw new IllegalArgumentException("stack limit " + limits.stackBytes() + " bytes exceeds this VM's stack");
        }
        return null;
    }

    /** Brings memory back to the snapshot now, so that the next execution starts without that cost. */
    public void restore() {
        try {
            restoreForReuse().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Restores if needed, then compares every writable page with the snapshot: the address of the first
     * page that differs, or empty when the VM is exactly as booted. A self-check for tests and diagnostics;
     * it reads all guest memory, so it costs milliseconds.
     */
    public OptionalLong firstAddressDifferingFromSnapshot() {
        return thread.run(() -> snapshot.firstAddressDiffering(), BOOT_TIMEOUT.toNanos());
    }

    /**
     * Pages (data and stack) the guest may write without a dirty-log fault after the last restore, because
     * every restore copies them back anyway; 0 where KVM lacks manual dirty-log protection.
     */
    public int writablePagesBetweenRestores() {
        return thread.run(() -> snapshot.writablePages(), BOOT_TIMEOUT.toNanos());
    }

    /**
     * Brings memory back to the snapshot before the VM's next use. Where executions run on the calling thread
     * the restore runs right here, since it costs about what waking the VM's own thread would; otherwise it
     * starts on that thread and this returns at once.
     */
    public CompletableFuture<Void> restoreForReuse() {
        return thread.runSoon(() -> snapshot.restore());
    }

    /** One execution's supervisor: its host calls, deadline and CPU limit, stopped through this VM's vCPU. */
    private ExecutionSupervisor supervisor(long started, ExecutionLimits limits, HostFunctions functions) {
        return new ExecutionSupervisor(started, functions, limits, layout.inCapacityBytes(), HARD_KILL_GRACE, loop);
    }

    // ---------------------------------------------------------------- under the VM's lock, on the thread that runs it

    /** Maps memory, creates the VM and its vCPU, and boots the guest, or starts from the image's booted state. */
    private Void boot() {
        long started = System.nanoTime();
        memory = LibC.mmapOrThrow(layout.totalBytes(), LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1);
        LowRegionTemplate lowRegion = image.lowRegion(layout);
        lowRegion.mapInto(memory);
        java.util.Optional<BootedImage> booted = image.booted(layout);
        if (booted.isEmpty()) {
            for (ElfImage.Segment s : elf.segments()) {
                if (s.writable()) {
                    memory.write(s.address(), s.fileBytes(), 0, s.fileBytes().length);
                }
            }
            EntryMailbox.writeBoot(memory, layout, sizes.stackBytes());
        }
        vm = new KvmVm();
        vm.enableManualDirtyLogProtect();
        vm.setMemoryRegion(GuestLayout.SLOT_LOW_READ_ONLY, KvmApi.MEM_READONLY, 0, layout.rwStart(), memory);
        vm.setMemoryRegion(GuestLayout.SLOT_DATA, KvmApi.MEM_LOG_DIRTY_PAGES, layout.rwStart(), layout.dataSlotBytes(),
                memory.share(layout.rwStart()));
        vm.setMemoryRegion(GuestLayout.SLOT_GUARD, KvmApi.MEM_READONLY, layout.guardAddress(), GuestLayout.PAGE_BYTES,
                memory.share(layout.guardAddress()));
        vm.setMemoryRegion(GuestLayout.SLOT_STACK, KvmApi.MEM_LOG_DIRTY_PAGES, layout.stackBottom(), layout.stackSlotBytes(),
                memory.share(layout.stackBottom()));
        vcpu = vm.createVcpu(0);
        X86Registers.prepareLongModeRing3(vcpu, lowRegion.cr3(), lowRegion.idtLimit(), layout.tlsAddress());
        if (booted.isPresent()) {
            snapshot = VmSnapshot.ofBooted(vm, memory, layout, restoreStrategy, booted.get(), counters);
            loop = new VcpuLoop(vcpu, memory, layout, elf, snapshot, counters);
            loop.startFrom(booted.get());
            bootHeapHighWaterBytes = booted.get().heapHighWaterBytes();
        } else {
            snapshot = VmSnapshot.beforeBoot(vm, memory, layout, restoreStrategy, counters);
            loop = new VcpuLoop(vcpu, memory, layout, elf, snapshot, counters);
            bootGuest(started);
        }
        sessions = new SessionRunner(loop, snapshot, image.contentKey(), layout);
        bootDuration = Duration.ofNanos(System.nanoTime() - started);
        return null;
    }

    /** Runs the guest's boot, then takes the snapshot and offers it to the VMs of this image and layout that follow. */
    private void bootGuest(long started) {
        ExecutionResult result = loop.boot(supervisor(started, ExecutionLimits.defaults().withTimeout(BOOT_TIMEOUT),
                HostFunctions.none()));
        if (!result.success()) {
            throw new SandboxException(ErrorType.GUEST_CRASH, "guest boot failed: " + result.error().message()
                    + (result.stderr().isEmpty() ? "" : "\n" + result.stderr()));
        }
        bootHeapHighWaterBytes = loop.heapHighWaterBytes();
        snapshot.capture(elf);
        if (restoreStrategy == RestoreStrategy.DIRTY_PAGE_COPY) {
            // (a copy-on-write VM's memory maps its golden file, which its guest's reads of holes would grow)
            image.offerBooted(layout, snapshot.booted(bootHeapHighWaterBytes, loop.tscPerMs()));
        }
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.close(this::releaseResources, !broken);
    }

    private void releaseResources() {
        if (snapshot != null) {
            snapshot.close();
        }
        if (vcpu != null) {
            vcpu.close();
        }
        if (vm != null) {
            vm.close();
        }
        if (memory != null) {
            LibC.munmap(memory, layout.totalBytes());
            memory = null;
        }
    }
}
