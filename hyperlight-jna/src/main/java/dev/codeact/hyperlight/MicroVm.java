package dev.codeact.hyperlight;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.abi.LogRecords;
import dev.codeact.hyperlight.abi.Mailbox;
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
import dev.codeact.hyperlight.memory.SlotSnapshot;
import dev.codeact.hyperlight.memory.SystemTables;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * One micro-VM with one vCPU, booted into a guest and snapshotted there. Each {@link #execute} starts from
 * the snapshot: memory and registers are restored before it runs (eagerly after the previous one, by
 * {@link #restore()}). The VM has its own platform thread for booting, restoring and closing; an execution
 * enters the guest on the caller's thread or on that one, as its {@link VcpuThreading} says. One thing at a
 * time touches the VM: executions and restores are serialised.
 */
public final class MicroVm implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MicroVm.class.getName());
    private static final long RFLAGS_IOPL3 = 0x3002L;
    private static final long CR0_PE_MP_ET_NE_WP_AM_PG = 0x80050033L;
    private static final long CR4_PAE_OSFXSR_OSXMMEXCPT = 0x620L;
    private static final long EFER_SCE_LME_LMA_NXE = 0xD01L;
    /** After a soft stop, how long the guest gets to unwind before the vCPU is kicked out. */
    private static final long HARD_KILL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long a caller waits past the deadline for a host function that ignores interruption. */
    private static final long STUCK_HOST_FUNCTION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Seeds each execution's Math.random: a CSPRNG, so no execution can predict another's sequence. */
    private static final java.security.SecureRandom SEEDS = new java.security.SecureRandom();
    private static volatile boolean announced;

    /** The VM's own thread, created when first needed: never, where every caller enters the guest itself. */
    private ExecutorService vcpuThread;
    private boolean threadRetired;
    private final GuestMemorySizes sizes;
    private final RestoreStrategy restoreStrategy;
    private final GuestLayout layout;
    private final GuestImage image;
    private final ElfImage elf;
    private final VcpuThreading threading;
    private final java.util.concurrent.locks.ReentrantLock stateLock = new java.util.concurrent.locks.ReentrantLock();
    private final AtomicReference<RunControl> running = new AtomicReference<>();
    private volatile boolean broken;
    private KvmVm vm;
    private KvmVcpu vcpu;
    private Pointer memory;
    private Pointer mailbox;
    private SlotSnapshot dataSnapshot;
    private SlotSnapshot stackSnapshot;
    private long bootHeapHighWaterBytes;
    private long hostWrittenInBytes;
    private boolean dirty;
    private boolean abandonedExit;
    private boolean segmentsAndFpuTrusted;
    /** TSC ticks per millisecond of the guest, fixed once the VM has booted; 0 when unknown. */
    private long tscPerMs;
    private Duration bootDuration;
    private boolean closed;
    /** Guarded by stateLock. */
    private boolean released;

    private MicroVm(GuestImage image, GuestMemorySizes sizes, RestoreStrategy restoreStrategy, VcpuThreading threading) {
        this.sizes = sizes;
        this.restoreStrategy = restoreStrategy;
        this.threading = threading;
        this.image = image;
        this.elf = image.elf();
        this.layout = GuestLayout.of(elf, sizes);
    }

    private synchronized ExecutorService vcpuThread() {
        if (vcpuThread == null) {
            if (threadRetired) {
                throw new java.util.concurrent.RejectedExecutionException("the micro-VM is closed");
            }
            vcpuThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "codeact-vcpu");
                t.setDaemon(true);
                return t;
            });
        }
        return vcpuThread;
    }

    /** The VM's thread if it was ever created; none can be created afterwards. */
    private synchronized ExecutorService retireVcpuThread() {
        threadRetired = true;
        return vcpuThread;
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
            vm.onOwnerThread(vm::boot, BOOT_TIMEOUT.toNanos());
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
        return onOwnerThread(() -> LibC.privateResidentBytes(memory, layout.totalBytes()), BOOT_TIMEOUT.toNanos());
    }

    /**
     * Memory this VM shares with the other VMs of its image and layout: the booted image, which is their golden
     * snapshot and the pages they read but have not written, and the read-only low region.
     */
    public long sharedResidentBytes() {
        return onOwnerThread(() -> LibC.residentBytes(memory, layout.rwStart()) + dataSnapshot.residentBytes()
                + stackSnapshot.residentBytes(), BOOT_TIMEOUT.toNanos());
    }

    /** Largest memory limit an execution may ask for: the heap less what the booted runtime already holds. */
    public long maxMemoryLimitBytes() {
        return layout.heapSizeBytes() - bootHeapHighWaterBytes;
    }

    /** Runs one program from the snapshot state. Never throws for anything the program does. */
    public ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        long started = System.nanoTime();
        byte[] program = code.getBytes(StandardCharsets.UTF_8);
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
        RunControl control = new RunControl(started, limits, functions, layout.inCapacityBytes());
        long waitNanos = limits.timeout().toNanos() + HARD_KILL_GRACE_NANOS + STUCK_HOST_FUNCTION_GRACE_NANOS;
        try {
            return onOwnerThread(() -> run(control, program), waitNanos);
        } catch (StuckException e) { // only the VM's own thread can be lost to a host function
            broken = true;
            return ExecutionResult.failure(limits.stuckInHostFunction(), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Brings memory back to the snapshot now, so that the next execution starts without that cost. */
    public void restore() {
        try {
            restoreForReuse().join();
        } catch (java.util.concurrent.CompletionException e) {
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
    public java.util.OptionalLong firstAddressDifferingFromSnapshot() {
        return onOwnerThread(() -> {
            restoreNow();
            java.util.OptionalLong data = dataSnapshot.firstDifferenceFromGolden();
            if (data.isPresent()) {
                return java.util.OptionalLong.of(layout.rwStart() + data.getAsLong());
            }
            java.util.OptionalLong stack = stackSnapshot.firstDifferenceFromGolden();
            return stack.isPresent() ? java.util.OptionalLong.of(layout.stackBottom() + stack.getAsLong()) : stack;
        }, BOOT_TIMEOUT.toNanos());
    }

    /**
     * Pages (data and stack) the guest may write without a dirty-log fault after the last restore, because
     * every restore copies them back anyway; 0 where KVM lacks manual dirty-log protection.
     */
    public int writablePagesBetweenRestores() {
        return onOwnerThread(() -> dataSnapshot.writablePages() + stackSnapshot.writablePages(), BOOT_TIMEOUT.toNanos());
    }

    /**
     * Brings memory back to the snapshot before the VM's next use. Where executions run on the calling thread
     * the restore runs right here, since it costs about what waking the VM's own thread would; otherwise it
     * starts on that thread and this returns at once.
     */
    public java.util.concurrent.CompletableFuture<Void> restoreForReuse() {
        if (threading.runsOnCurrentThread()) {
            try {
                restoreLocked();
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        try {
            vcpuThread().execute(() -> {
                try {
                    restoreLocked();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new SandboxException(ErrorType.SANDBOX_FAILURE, "the micro-VM is closed", e));
        }
        return done;
    }

    private void restoreLocked() {
        locked(() -> {
            restoreNow();
            return null;
        });
    }

    // ---------------------------------------------------------------- under the VM's lock, on the thread that runs it

    private Void boot() {
        long started = System.nanoTime();
        memory = LibC.mmapOrThrow(layout.totalBytes(), LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1);
        mailbox = memory.share(layout.mailboxAddress());
        LowRegionTemplate lowRegion = image.lowRegion(layout);
        lowRegion.mapInto(memory);
        java.util.Optional<BootedImage> booted = image.booted(layout);
        if (booted.isEmpty()) {
            for (ElfImage.Segment s : elf.segments()) {
                if (s.writable()) {
                    memory.write(s.address(), s.fileBytes(), 0, s.fileBytes().length);
                }
            }
            writeStaticMailbox();
            memory.setLong(layout.tlsAddress(), layout.tlsAddress()); // musl's thread pointer points at itself
        }
        long cr3 = lowRegion.cr3();
        int idtLimit = lowRegion.idtLimit();

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
        prepareSregs(cr3, idtLimit);
        if (booted.isPresent()) {
            startFrom(booted.get());
            bootDuration = Duration.ofNanos(System.nanoTime() - started);
            return null;
        }
        dataSnapshot = new SlotSnapshot(GuestLayout.SLOT_DATA, memory.share(layout.rwStart()), layout.dataSlotBytes(),
                restoreStrategy);
        stackSnapshot = new SlotSnapshot(GuestLayout.SLOT_STACK, memory.share(layout.stackBottom()), layout.stackSlotBytes(),
                restoreStrategy);

        mailbox.setInt(Mailbox.OFF_COMMAND, Mailbox.COMMAND_BOOT);
        long entered = System.nanoTime();
        RunControl control = new RunControl(started, ExecutionLimits.defaults().withTimeout(BOOT_TIMEOUT), HostFunctions.none(),
                layout.inCapacityBytes());
        ExecutionResult result = enterGuest(control);
        if (!result.success()) {
            throw new SandboxException(ErrorType.GUEST_CRASH, "guest boot failed: " + result.error().message()
                    + (result.stderr().isEmpty() ? "" : "\n" + result.stderr()));
        }
        long exited = System.nanoTime();
        tscPerMs = tscPerMs(entered, exited);
        bootHeapHighWaterBytes = mailbox.getLong(Mailbox.OFF_HEAP_HIGH_WATER);
        long dataOffset = layout.rwStart();
        long[] hostWritten = new long[elf.segments().size() * 2 + 4];
        int i = 0;
        for (ElfImage.Segment s : elf.segments()) {
            if (s.writable()) {
                hostWritten[i++] = s.address() - dataOffset;
                hostWritten[i++] = s.memoryBytes();
            }
        }
        hostWritten[i++] = layout.mailboxAddress() - dataOffset;
        hostWritten[i++] = GuestLayout.MAILBOX_BYTES + GuestLayout.TLS_BYTES;
        dataSnapshot.capture(vm, java.util.Arrays.copyOf(hostWritten, i));
        stackSnapshot.capture(vm, new long[0]);
        if (restoreStrategy == RestoreStrategy.DIRTY_PAGE_COPY) {
            // (a copy-on-write VM's memory maps its golden file, which its guest's reads of holes would grow)
            image.offerBooted(layout, new BootedImage(dataSnapshot.image(), stackSnapshot.image(), bootHeapHighWaterBytes,
                    tscPerMs));
        }
        bootDuration = Duration.ofNanos(System.nanoTime() - started);
        return null;
    }

    /**
     * Starts from the state another VM of this image and layout had right after its boot, instead of booting the
     * guest: the same memory, the same snapshot. Registers are set at every entry and the segments and FPU at the
     * first, as after an abnormal exit.
     */
    private void startFrom(BootedImage booted) {
        dataSnapshot = SlotSnapshot.fromImage(GuestLayout.SLOT_DATA, memory.share(layout.rwStart()), restoreStrategy,
                booted.data(), vm);
        stackSnapshot = SlotSnapshot.fromImage(GuestLayout.SLOT_STACK, memory.share(layout.stackBottom()), restoreStrategy,
                booted.stack(), vm);
        long khz = vcpu.tscKhz();
        tscPerMs = khz > 0 ? khz : booted.tscPerMs();
        bootHeapHighWaterBytes = booted.heapHighWaterBytes();
        segmentsAndFpuTrusted = false;
        dirty = false;
    }

    private void writeStaticMailbox() {
        mailbox.setInt(Mailbox.OFF_MAGIC, Mailbox.MAGIC);
        mailbox.setInt(Mailbox.OFF_ABI_VERSION, Mailbox.ABI_VERSION);
        mailbox.setLong(Mailbox.OFF_IN_ADDR, layout.inAddress());
        mailbox.setInt(Mailbox.OFF_IN_CAPACITY, layout.inCapacityBytes());
        mailbox.setLong(Mailbox.OFF_OUT_ADDR, layout.outAddress());
        mailbox.setInt(Mailbox.OFF_OUT_CAPACITY, layout.outCapacityBytes());
        mailbox.setLong(Mailbox.OFF_LOG_ADDR, layout.logAddress());
        mailbox.setInt(Mailbox.OFF_LOG_CAPACITY, layout.logCapacityBytes());
        mailbox.setLong(Mailbox.OFF_HEAP_ADDR, layout.heapAddress());
        mailbox.setLong(Mailbox.OFF_HEAP_SIZE, layout.heapSizeBytes());
        mailbox.setLong(Mailbox.OFF_TLS_ADDR, layout.tlsAddress());
        mailbox.setLong(Mailbox.OFF_MEMORY_LIMIT, layout.heapSizeBytes());
        mailbox.setLong(Mailbox.OFF_STACK_LIMIT, sizes.stackBytes() / 2);
        mailbox.setLong(Mailbox.OFF_EPOCH_MS, System.currentTimeMillis());
    }

    /** Long-mode segments for ring 3, paging on; exceptions go to the guest's ring-3 stubs when it has them. */
    private void prepareSregs(long cr3, int idtLimit) {
        vcpu.loadSregs();
        Pointer s = vcpu.sregsBuffer();
        writeSegment(s, KvmApi.SREGS_CS, SystemTables.USER_CODE_SELECTOR, 11, true, 0);
        for (int offset : new int[] {KvmApi.SREGS_DS, KvmApi.SREGS_ES, KvmApi.SREGS_GS, KvmApi.SREGS_SS}) {
            writeSegment(s, offset, SystemTables.USER_DATA_SELECTOR, 3, false, 0);
        }
        writeSegment(s, KvmApi.SREGS_FS, SystemTables.USER_DATA_SELECTOR, 3, false, layout.tlsAddress());
        s.setLong(KvmApi.SREGS_TR, GuestLayout.TSS_ADDRESS);
        s.setInt(KvmApi.SREGS_TR + 8, GuestLayout.TSS_LIMIT_BYTES);
        s.setLong(KvmApi.SREGS_GDT, GuestLayout.GDT_ADDRESS);
        s.setShort(KvmApi.SREGS_GDT + 8, (short) SystemTables.GDT_LIMIT);
        s.setLong(KvmApi.SREGS_IDT, GuestLayout.IDT_ADDRESS);
        s.setShort(KvmApi.SREGS_IDT + 8, (short) idtLimit);
        s.setLong(KvmApi.SREGS_CR0, CR0_PE_MP_ET_NE_WP_AM_PG);
        s.setLong(KvmApi.SREGS_CR3, cr3);
        s.setLong(KvmApi.SREGS_CR4, CR4_PAE_OSFXSR_OSXMMEXCPT);
        s.setLong(KvmApi.SREGS_EFER, EFER_SCE_LME_LMA_NXE);
    }

    private static void writeSegment(Pointer s, int offset, int selector, int type, boolean code, long base) {
        s.setLong(offset, base);
        s.setInt(offset + 8, 0xFFFFFFFF);
        s.setShort(offset + 12, (short) selector);
        s.setByte(offset + 14, (byte) type);
        s.setByte(offset + 15, (byte) 1); // present
        s.setByte(offset + 16, (byte) 3); // dpl
        s.setByte(offset + 17, (byte) (code ? 0 : 1)); // db
        s.setByte(offset + 18, (byte) 1); // s
        s.setByte(offset + 19, (byte) (code ? 1 : 0)); // l
        s.setByte(offset + 20, (byte) 1); // g
        s.setByte(offset + 21, (byte) 0);
        s.setByte(offset + 22, (byte) 0); // usable
    }

    /**
     * From KVM where it says; otherwise measured once over the boot, the only time the guest's own TSC readings can be
     * trusted (no program has run yet). Never measured again: what an execution leaves in guest memory must not
     * change the clock of the next one.
     */
    private long tscPerMs(long enteredNanos, long exitedNanos) {
        long khz = vcpu.tscKhz();
        if (khz > 0) {
            return khz;
        }
        long ticks = mailbox.getLong(Mailbox.OFF_TSC_AT_EXIT) - mailbox.getLong(Mailbox.OFF_TSC_AT_ENTRY);
        long elapsedNanos = exitedNanos - enteredNanos;
        return ticks > 0 && elapsedNanos > 0 ? (long) (ticks / (elapsedNanos / 1e6)) : 0;
    }

    private ExecutionResult run(RunControl control, byte[] program) {
        if (dirty) {
            restoreNow();
        }
        Pointer in = memory.share(layout.inAddress());
        in.write(0, program, 0, program.length);
        hostWrittenInBytes = Math.max(hostWrittenInBytes, program.length);
        mailbox.setInt(Mailbox.OFF_COMMAND, Mailbox.COMMAND_EXECUTE);
        mailbox.setInt(Mailbox.OFF_CODE_LENGTH, program.length);
        mailbox.setLong(Mailbox.OFF_MEMORY_LIMIT, control.limits.memoryBytes());
        mailbox.setLong(Mailbox.OFF_STACK_LIMIT, control.limits.stackBytes());
        mailbox.setLong(Mailbox.OFF_EPOCH_MS, System.currentTimeMillis());
        mailbox.setLong(Mailbox.OFF_RNG_SEED, SEEDS.nextLong()); // unpredictable from anything another execution saw
        byte[] entropy = new byte[Mailbox.ENTROPY_BYTES]; // keys the guest's crypto.getRandomValues, likewise
        SEEDS.nextBytes(entropy);
        mailbox.write(Mailbox.OFF_ENTROPY, entropy, 0, entropy.length);
        mailbox.setLong(Mailbox.OFF_TSC_PER_MS, tscPerMs);
        mailbox.setInt(Mailbox.OFF_MAX_REQUEST_BYTES, control.limits.maxHostCallRequestBytes());
        dirty = true;
        return enterGuest(control);
    }

    private ExecutionResult enterGuest(RunControl control) {
        mailbox.setInt(Mailbox.OFF_CANCEL_REQUESTED, 0);
        if (abandonedExit) {
            // An exit we never answered (an IN, an MMIO read) is still pending in KVM, and completing it on
            // the next KVM_RUN would move RIP past the old instruction. Let KVM complete it now, without
            // running guest code, before the registers are reset.
            vcpu.setImmediateExit(true);
            vcpu.run();
            abandonedExit = false;
            segmentsAndFpuTrusted = false;
        }
        vcpu.setImmediateExit(false);
        if (!segmentsAndFpuTrusted) {
            // After a normal exit ring 3 cannot have changed these (the guest's _start resets x87 and SSE
            // itself); after an abnormal one, or at boot, they are set again.
            vcpu.storeSregs();
            vcpu.resetFpu();
            segmentsAndFpuTrusted = true;
        }
        vcpu.setEntryRegisters(elf.entryPoint(), layout.stackTop(), layout.mailboxAddress(), RFLAGS_IOPL3);
        control.runner = Thread.currentThread();
        control.runnerOsThreadId = OS_THREAD_ID.get();
        boolean runnerWasInterrupted = control.runner.isInterrupted();
        running.set(control);
        control.cpuAtStart = control.limits.cpuTimeIsBinding() ? THREADS.getCurrentThreadCpuTime() : 0;
        Watchdog.Alarm deadline = Watchdog.after(Math.max(0, control.deadlineNanos - System.nanoTime()),
                () -> stop(control, ErrorType.TIMEOUT));
        Watchdog.Alarm cpuPoll = control.limits.cpuTimeIsBinding()
                ? Watchdog.every(cpuPollNanos(control.limits.cpuTime()), () -> checkCpu(control)) : null;
        ConsoleCapture console = new ConsoleCapture(control.limits.outputBytesPerStream());
        ExecutionError error;
        String resultJson = null;
        try {
            GuestOutcome outcome = loop(control, console);
            if (outcome.error() == null && (console.stdoutTruncated() || console.stderrTruncated())) {
                // cut at the final flush: report it the same way as a cut mid-run, whatever the buffer timing
                control.stopReason.compareAndSet(null, ErrorType.OUTPUT_LIMIT);
                outcome = new GuestOutcome(null, null, true);
            }
            error = outcome.interrupted() ? stopError(control) : outcome.error();
            resultJson = outcome.resultJson();
        } catch (GuestFault fault) {
            abandonedExit = true;
            error = fault.killed ? stopError(control) : fault.error;
        } finally {
            deadline.cancel();
            if (cpuPoll != null) {
                cpuPoll.cancel();
            }
            synchronized (control) {
                control.finished = true;
            }
            running.set(null);
            if (control.interruptSent) {
                Thread.interrupted(); // ours, aimed at a host function: it must not outlive the execution
            }
            if (runnerWasInterrupted) {
                control.runner.interrupt(); // the caller's own, which host calls may have consumed
            }
        }
        return new ExecutionResult(console.stdout(), console.stdoutTruncated(), console.stderr(), console.stderrTruncated(),
                error == null ? resultJson : null, error, Duration.ofNanos(System.nanoTime() - control.startedNanos),
                control.hostCalls.calls());
    }

    private GuestOutcome loop(RunControl control, ConsoleCapture console) throws GuestFault {
        while (true) {
            if (control.killRequested) {
                throw new GuestFault(null, true);
            }
            control.inGuest = true;
            boolean completed = vcpu.run();
            control.inGuest = false;
            if (!completed) {
                continue; // EINTR: a kick for us (checked above) or a stale one from an earlier execution
            }
            int reason = vcpu.exitReason();
            switch (reason) {
                case KvmApi.EXIT_IO -> {
                    int port = ioPort();
                    switch (port) {
                        case Mailbox.PORT_HOSTCALL -> hostCall(control);
                        case Mailbox.PORT_LOG_FLUSH -> drainLog(control, console);
                        case Mailbox.PORT_SLEEP -> sleep(control);
                        case Mailbox.PORT_DONE -> {
                            drainLog(control, console);
                            return readOutcome(control.hostCalls.wording());
                        }
                        case Mailbox.PORT_ABORT -> throw crash("the guest aborted: " + readOutText(Mailbox.OFF_OUTCOME_LENGTH));
                        case Mailbox.PORT_EXCEPTION -> throw exception();
                        case Mailbox.PORT_OUT_OF_MEMORY -> {
                            drainLog(control, console); // what the program printed before still counts
                            throw new GuestFault(control.limits.stoppedBy(ErrorType.OUT_OF_MEMORY), false);
                        }
                        default -> throw crash("unexpected I/O exit on port 0x" + Integer.toHexString(port));
                    }
                }
                case KvmApi.EXIT_INTR -> {
                }
                case KvmApi.EXIT_MMIO -> {
                    long address = vcpu.runPage().getLong(KvmApi.RUN_MMIO_PHYS_ADDR);
                    boolean write = vcpu.runPage().getByte(KvmApi.RUN_MMIO_IS_WRITE) != 0;
                    if (write && address >= layout.guardAddress() && address < layout.guardAddress() + GuestLayout.PAGE_BYTES) {
                        throw new GuestFault(ExecutionError.of(ErrorType.STACK_OVERFLOW,
                                "the guest's native stack overflowed into its guard page at 0x" + Long.toHexString(address)), false);
                    }
                    throw crash("the guest " + (write ? "wrote to" : "read") + " unbacked or read-only memory at 0x"
                            + Long.toHexString(address) + " (RIP 0x" + Long.toHexString(vcpu.instructionPointer()) + ")");
                }
                case KvmApi.EXIT_SHUTDOWN -> throw crash("the guest CPU shut down after an exception it could not handle"
                        + " (e.g. a page fault or invalid opcode) at RIP 0x" + Long.toHexString(vcpu.instructionPointer()));
                case KvmApi.EXIT_HLT -> throw crash("the guest halted at RIP 0x" + Long.toHexString(vcpu.instructionPointer()));
                case KvmApi.EXIT_FAIL_ENTRY -> throw crash("KVM could not enter the guest (hardware reason 0x"
                        + Long.toHexString(vcpu.runPage().getLong(KvmApi.RUN_FAIL_ENTRY_REASON)) + ")");
                case KvmApi.EXIT_INTERNAL_ERROR -> throw crash("KVM internal error, suberror "
                        + vcpu.runPage().getInt(KvmApi.RUN_INTERNAL_SUBERROR) + ", at RIP 0x"
                        + Long.toHexString(vcpu.instructionPointer()));
                default -> throw crash("unexpected KVM exit reason " + reason);
            }
        }
    }

    /** Port of an OUT exit; anything but a single 4-byte OUT is a protocol violation. */
    private int ioPort() throws GuestFault {
        Pointer run = vcpu.runPage();
        int direction = run.getByte(KvmApi.RUN_IO_DIRECTION);
        int size = run.getByte(KvmApi.RUN_IO_SIZE);
        int count = run.getInt(KvmApi.RUN_IO_COUNT);
        int port = Short.toUnsignedInt(run.getShort(KvmApi.RUN_IO_PORT));
        if (direction != KvmApi.IO_DIRECTION_OUT || size != 4 || count != 1) {
            throw crash("unexpected I/O exit: port 0x" + Integer.toHexString(port) + ", direction " + direction
                    + ", size " + size + ", count " + count);
        }
        return port;
    }

    private void hostCall(RunControl control) throws GuestFault {
        byte[] request = copyOut(Mailbox.OFF_CALL_LENGTH, Math.min(layout.outCapacityBytes(), control.limits.maxHostCallRequestBytes()),
                "host-call request");
        HostCallDispatcher.Reply reply;
        try {
            reply = control.hostCalls.dispatch(request);
        } catch (GuestProtocolException e) {
            throw crash(e.getMessage());
        }
        if (System.nanoTime() - control.deadlineNanos >= 0) {
            // The call outlived the deadline, or gave up because of it: the program must not go on to fail with
            // the call's error before the watchdog's stop lands.
            stop(control, ErrorType.TIMEOUT);
        }
        memory.share(layout.inAddress()).write(0, reply.bytes(), 0, reply.bytes().length);
        hostWrittenInBytes = Math.max(hostWrittenInBytes, reply.bytes().length);
        mailbox.setInt(Mailbox.OFF_REPLY_LENGTH, reply.bytes().length);
        mailbox.setInt(Mailbox.OFF_REPLY_STATUS, reply.ok() ? Mailbox.REPLY_OK : Mailbox.REPLY_ERROR);
    }

    /**
     * The guest has nothing to run before its next timer: this thread parks until then, or the deadline, or a stop
     * (which unparks it). Parked, it uses no CPU time, so the wait counts as wall time only.
     */
    private void sleep(RunControl control) {
        long requested = mailbox.getLong(Mailbox.OFF_SLEEP_US);
        long now = System.nanoTime();
        long until = now + Math.min(Math.max(0, control.deadlineNanos - now),
                requested < 0 || requested > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : requested * 1000);
        while (control.stopReason.get() == null && !control.killRequested && until - (now = System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, until - now);
        }
    }

    private void drainLog(RunControl control, ConsoleCapture console) throws GuestFault {
        byte[] records = copyOut(Mailbox.OFF_LOG_LENGTH, layout.logCapacityBytes(), "console buffer", layout.logAddress());
        try {
            if (!LogRecords.append(console, records)) {
                stop(control, ErrorType.OUTPUT_LIMIT);
            }
        } catch (GuestProtocolException e) {
            throw crash(e.getMessage());
        }
    }

    private GuestOutcome readOutcome(HostCallWording wording) throws GuestFault {
        byte[] outcome = copyOut(Mailbox.OFF_OUTCOME_LENGTH, layout.outCapacityBytes(), "outcome");
        try {
            return GuestOutcome.decode(outcome, wording);
        } catch (GuestProtocolException e) {
            throw crash(e.getMessage());
        }
    }

    private String readOutText(int lengthOffset) {
        try {
            return new String(copyOut(lengthOffset, layout.outCapacityBytes(), "abort message"), StandardCharsets.UTF_8);
        } catch (GuestFault e) {
            return "(no readable message)";
        }
    }

    private byte[] copyOut(int lengthOffset, int limit, String what) throws GuestFault {
        return copyOut(lengthOffset, limit, what, layout.outAddress());
    }

    /** Reads a guest-written length once, bounds-checks it, then copies that many bytes out. */
    private byte[] copyOut(int lengthOffset, int limit, String what, long address) throws GuestFault {
        long length = Integer.toUnsignedLong(mailbox.getInt(lengthOffset));
        if (length > limit) {
            throw crash(what + " length " + length + " exceeds the " + limit + "-byte limit");
        }
        byte[] copy = new byte[(int) length];
        memory.read(address, copy, 0, copy.length);
        return copy;
    }

    /** Reads what the guest's exception stub left in registers: vector, error code, faulting RIP. */
    private GuestFault exception() {
        long[] r = vcpu.exceptionRegisters();
        long vector = r[0] & 0xFF;
        String where = " at RIP 0x" + Long.toHexString(r[1]);
        String detail = vector == 14 ? ", address 0x" + Long.toHexString(r[3]) + " (error code 0x" + Long.toHexString(r[2]) + ")"
                : r[2] != 0 ? " (error code 0x" + Long.toHexString(r[2]) + ")" : "";
        return crash("CPU exception " + SystemTables.vectorName(vector) + where + detail);
    }

    private GuestFault crash(String message) {
        return new GuestFault(ExecutionError.of(ErrorType.GUEST_CRASH, message), false);
    }

    private void restoreNow() {
        if (!dirty) {
            return;
        }
        dataSnapshot.restore(vm);
        stackSnapshot.restore(vm);
        long mailboxOffset = layout.mailboxAddress() - layout.rwStart();
        dataSnapshot.restoreRange(mailboxOffset, GuestLayout.MAILBOX_BYTES + GuestLayout.TLS_BYTES);
        if (hostWrittenInBytes > 0) {
            dataSnapshot.restoreRange(layout.inAddress() - layout.rwStart(), hostWrittenInBytes);
            hostWrittenInBytes = 0;
        }
        dirty = false;
    }

    // ---------------------------------------------------------------- any thread

    private static long cpuPollNanos(Duration cpuTime) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(10), cpuTime.toNanos() / 10));
    }

    private void checkCpu(RunControl control) {
        if (running.get() != control) {
            return;
        }
        if (control.hostCalls.programCpuNanos(control.runner.getId(), control.cpuAtStart) > control.limits.cpuTime().toNanos()) {
            stop(control, ErrorType.CPU_LIMIT);
        }
    }

    /** Soft stop: the guest's interrupt handler sees the cancel word; a hard kick follows if it does not. */
    private void stop(RunControl control, ErrorType reason) {
        if (!control.stopReason.compareAndSet(null, reason) || running.get() != control) {
            return;
        }
        mailbox.setInt(Mailbox.OFF_CANCEL_REQUESTED, 1);
        Thread runner = control.runner;
        if (runner != null) {
            java.util.concurrent.locks.LockSupport.unpark(runner); // a guest asleep until its next timer wakes to stop
        }
        Watchdog.after(HARD_KILL_GRACE_NANOS, () -> kill(control));
    }

    /**
     * Hard stop: KVM_RUN returns at once, or the host function in progress is interrupted. Under the
     * control's lock, so that neither a signal nor an interrupt reaches the runner once it has finished:
     * on {@link VcpuThreading#CALLER} that thread is the caller's own.
     */
    private void kill(RunControl control) {
        synchronized (control) {
            if (control.finished || running.get() != control) {
                return;
            }
            control.killRequested = true;
            vcpu.requestImmediateExit();
            java.lang.invoke.VarHandle.fullFence();
            if (control.inGuest) {
                KickSignal.send(control.runnerOsThreadId);
            } else {
                control.interruptSent = true;
                control.runner.interrupt();
            }
        }
    }

    private volatile Thread vcpuJavaThread;

    private <T> T locked(Callable<T> task) {
        stateLock.lock();
        try {
            if (released) {
                throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the micro-VM is closed");
            }
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + e, e);
        } finally {
            stateLock.unlock();
        }
    }

    private ExecutionError stopError(RunControl control) {
        ErrorType reason = control.stopReason.get();
        return reason == null ? ExecutionError.of(ErrorType.GUEST_CRASH, "the execution was stopped") : control.limits.stoppedBy(reason);
    }

    /** Runs {@code task} under the VM's lock where executions would run now: here, or on the VM's own thread. */
    private <T> T onOwnerThread(Callable<T> task, long waitNanos) {
        return threading.runsOnCurrentThread() ? locked(task) : onVcpuThread(task, waitNanos);
    }

    private <T> T onVcpuThread(Callable<T> task, long waitNanos) {
        Future<T> future;
        try {
            future = vcpuThread().submit(() -> {
                vcpuJavaThread = Thread.currentThread();
                return locked(task);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the micro-VM is closed", e);
        }
        try {
            return future.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new StuckException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for the sandbox", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + cause, cause);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ExecutorService thread = retireVcpuThread();
        if (thread == null) {
            teardown(); // everything ran on callers' threads: tear down on this one
            return;
        }
        Future<?> teardown = thread.submit(this::teardown);
        thread.shutdown();
        // On the VM's own thread (a pool closing it from a restore's completion) the teardown runs right after us.
        if (!broken && Thread.currentThread() != vcpuJavaThread) {
            try {
                teardown.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warning("micro-VM teardown did not finish: " + e);
            }
        }
    }

    /** Frees the VM once, after any execution or restore in progress; later uses fail with "closed". */
    private void teardown() {
        stateLock.lock();
        try {
            if (!released) {
                released = true;
                releaseResources();
            }
        } finally {
            stateLock.unlock();
        }
    }

    private void releaseResources() {
        if (stackSnapshot != null) {
            stackSnapshot.close();
        }
        if (dataSnapshot != null) {
            dataSnapshot.close();
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

    /** The OS id of each thread that runs executions, which also gets the kick signal unblocked on first use. */
    private static final ThreadLocal<Integer> OS_THREAD_ID = ThreadLocal.withInitial(() -> {
        KickSignal.unblockOnCurrentThread();
        return LibC.gettid();
    });

    /** Per-execution state shared between the thread running it and the watchdog. */
    private static final class RunControl {
        final long startedNanos;
        final long deadlineNanos;
        final ExecutionLimits limits;
        final AtomicReference<ErrorType> stopReason = new AtomicReference<>();
        volatile boolean killRequested;
        volatile boolean inGuest;
        volatile Thread runner;
        volatile int runnerOsThreadId;
        /** Guarded by the control's monitor, with {@link #interruptSent}. */
        boolean finished;
        boolean interruptSent;
        final HostCallDispatcher hostCalls;
        volatile long cpuAtStart;

        RunControl(long startedNanos, ExecutionLimits limits, HostFunctions functions, int replyCapacityBytes) {
            this.startedNanos = startedNanos;
            this.deadlineNanos = startedNanos + limits.timeout().toNanos();
            this.limits = limits;
            this.hostCalls = new HostCallDispatcher(functions, limits, replyCapacityBytes, new Deadline(deadlineNanos));
        }
    }

    /** The guest ended abnormally; the VM's memory is restored before its next use. */
    private static final class GuestFault extends Exception {
        final ExecutionError error;
        final boolean killed;

        GuestFault(ExecutionError error, boolean killed) {
            super(null, null, false, false);
            this.error = error;
            this.killed = killed;
        }
    }

    private static final class StuckException extends RuntimeException {
        StuckException() {
            super(null, null, false, false);
        }
    }
}
