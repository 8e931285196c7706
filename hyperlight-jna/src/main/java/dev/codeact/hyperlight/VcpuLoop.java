package dev.codeact.hyperlight;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.abi.GuestAbort;
import dev.codeact.hyperlight.abi.LogRecords;
import dev.codeact.hyperlight.abi.Mailbox;
import dev.codeact.hyperlight.arch.X86Registers;
import dev.codeact.hyperlight.elf.ElfImage;
import dev.codeact.hyperlight.kvm.KickSignal;
import dev.codeact.hyperlight.kvm.KvmApi;
import dev.codeact.hyperlight.kvm.KvmVcpu;
import dev.codeact.hyperlight.kvm.LibC;
import dev.codeact.hyperlight.memory.BootedImage;
import dev.codeact.hyperlight.memory.GuestLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One micro-VM's vCPU at work: it hands the guest a command through the mailbox (boot, or execute a program),
 * enters the guest, and answers its exits until it is done: host calls, console flushes, sleeps, the outcome, and
 * every way a guest can end abnormally. It is also the VM's {@link ExecutionSupervisor.Stopper}: the soft stop is
 * the mailbox's cancel word, which the guest's interrupt handler reads; the forced one makes {@code KVM_RUN}
 * return at once (a signal to the thread inside it) or interrupts a host function. Used under the VM's lock, on
 * the thread that runs the VM, but for the stop, which any thread may call.
 */
final class VcpuLoop implements ExecutionSupervisor.Stopper {
    /** What {@link #portExit} returns when a host function suspended the program at its call. */
    private static final GuestOutcome SUSPENDED = new GuestOutcome(null, null, false);
    /** The OS id of each thread that runs executions, which also gets the kick signal unblocked on first use. */
    private static final ThreadLocal<Integer> OS_THREAD_ID = ThreadLocal.withInitial(() -> {
        KickSignal.unblockOnCurrentThread();
        return LibC.gettid();
    });

    private final KvmVcpu vcpu;
    private final Pointer memory;
    private final Pointer mailbox;
    private final GuestLayout layout;
    private final ElfImage elf;
    private final VmSnapshot snapshot;
    private final VmCounters counters;
    /** An exit was left unanswered (the guest ended abnormally): KVM must complete it before the next entry. */
    private boolean abandonedExit;
    private boolean segmentsAndFpuTrusted;
    /** TSC ticks per millisecond of the guest, fixed once the VM has booted; 0 when unknown. */
    private long tscPerMs;
    private End lastEnd = End.FAULTED;
    private byte[] suspendedRegisters;
    private volatile boolean inGuest;
    private volatile int runnerOsThreadId;

    VcpuLoop(KvmVcpu vcpu, Pointer memory, GuestLayout layout, ElfImage elf, VmSnapshot snapshot, VmCounters counters) {
        this.vcpu = vcpu;
        this.memory = memory;
        this.mailbox = memory.share(layout.mailboxAddress());
        this.layout = layout;
        this.elf = elf;
        this.snapshot = snapshot;
        this.counters = counters;
    }

    /** Boots the guest (its runtime, up to where it waits for programs); fixes the guest's clock. */
    ExecutionResult boot(ExecutionSupervisor supervisor) {
        mailbox.setInt(Mailbox.OFF_COMMAND, Mailbox.COMMAND_BOOT);
        long entered = System.nanoTime();
        ExecutionResult result = enter(supervisor, null);
        tscPerMs = measuredTscPerMs(entered, System.nanoTime());
        return result;
    }

    /**
     * Takes the clock of the VM whose booted image this one starts from, unless KVM says. Registers are set at every
     * entry and the segments and FPU at the first, as after an abnormal exit.
     */
    void startFrom(BootedImage booted) {
        long khz = vcpu.tscKhz();
        tscPerMs = khz > 0 ? khz : booted.tscPerMs();
        segmentsAndFpuTrusted = false;
    }

    long tscPerMs() {
        return tscPerMs;
    }

    /** Heap the guest's allocator had handed out at its highest, as the guest reported it. */
    long heapHighWaterBytes() {
        return mailbox.getLong(Mailbox.OFF_HEAP_HIGH_WATER);
    }

    /** Runs one program, which fits the IN buffer; memory is restored first if an execution ran since the last restore. */
    ExecutionResult execute(ExecutionSupervisor supervisor, byte[] program) {
        return execute(supervisor, program, null);
    }

    /** As {@link #execute(ExecutionSupervisor, byte[])}, with {@code session}'s pages (if any) over the restored memory. */
    ExecutionResult execute(ExecutionSupervisor supervisor, byte[] program, SessionState session) {
        snapshot.restore();
        if (session != null) {
            snapshot.apply(session);
        }
        memory.write(layout.inAddress(), program, 0, program.length);
        snapshot.hostWroteIn(program.length);
        EntryMailbox.writeExecution(mailbox, program.length, supervisor.limits(), tscPerMs);
        snapshot.markDirty();
        counters.executions++;
        return enter(supervisor, null);
    }

    /**
     * Goes on with a program suspended at a host call: memory is restored, the session's pages (stack included) written
     * over it, the call's reply put where the guest reads it, and the vCPU entered with the registers it stopped with.
     * The guest's clock is set so that it reads the host's time now and never runs backwards: it counts from the
     * suspended execution's start, kept in the mailbox page of the state.
     */
    ExecutionResult resume(ExecutionSupervisor supervisor, SessionState session, HostCallDispatcher.Reply reply) {
        snapshot.restore();
        snapshot.apply(session);
        snapshot.markDirty();
        writeReply(reply);
        EntryMailbox.writeResumption(mailbox, supervisor.limits(), tscPerMs, vcpu.guestTsc());
        counters.executions++;
        return enter(supervisor, X86Registers.resumable(session.registersUnsafe()));
    }

    /** How the last entry ended: by the guest's own report, at a suspended host call, or in a fault or forced stop. */
    enum End { REPORTED, SUSPENDED, FAULTED }

    End lastEnd() {
        return lastEnd;
    }

    /** The registers of the guest suspended at a host call, after the call's instruction; valid after a SUSPENDED end. */
    byte[] suspendedRegisters() {
        return suspendedRegisters;
    }

    // ---------------------------------------------------------------- the stop, from any thread

    @Override
    public void requestStop(ErrorType reason) {
        mailbox.setInt(Mailbox.OFF_CANCEL_REQUESTED, 1);
    }

    @Override
    public boolean forceStop() {
        vcpu.requestImmediateExit();
        java.lang.invoke.VarHandle.fullFence();
        if (inGuest) {
            KickSignal.send(runnerOsThreadId);
            return false;
        }
        return true; // a host function, or between exits: an interrupt ends any wait
    }

    // ---------------------------------------------------------------- entering the guest

    /** Enters at the guest's entry point, or with {@code resumeRegisters} where a suspended program stopped. */
    private ExecutionResult enter(ExecutionSupervisor supervisor, byte[] resumeRegisters) {
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
        if (resumeRegisters == null) {
            vcpu.setEntryRegisters(elf.entryPoint(), layout.stackTop(), layout.mailboxAddress(), X86Registers.RFLAGS_IOPL3);
        } else {
            vcpu.restoreRegisters(resumeRegisters);
        }
        lastEnd = End.FAULTED;
        suspendedRegisters = null;
        runnerOsThreadId = OS_THREAD_ID.get();
        supervisor.enter();
        supervisor.startCpuClock();
        supervisor.arm();
        ExecutionLimits limits = supervisor.limits();
        ConsoleCapture console = new ConsoleCapture(limits.outputBytesPerStream());
        ExecutionError error;
        String resultJson = null;
        try {
            GuestOutcome outcome = loop(supervisor, console);
            lastEnd = outcome == SUSPENDED ? End.SUSPENDED : End.REPORTED;
            if (outcome == SUSPENDED) {
                suspendedRegisters = registersPastSuspendedCall();
            }
            if (outcome.error() == null && (console.stdoutTruncated() || console.stderrTruncated())) {
                // cut at the final flush: report it the same way as a cut mid-run, whatever the buffer timing
                supervisor.markStopped(ErrorType.OUTPUT_LIMIT);
                outcome = new GuestOutcome(null, null, true);
            }
            error = outcome.interrupted() ? supervisor.stopError() : outcome.error();
            resultJson = outcome.resultJson();
        } catch (GuestFault fault) {
            abandonedExit = true;
            error = fault.killed ? supervisor.stopError() : fault.error;
        } finally {
            supervisor.finish();
        }
        return new ExecutionResult(console.stdout(), console.stdoutTruncated(), console.stderr(), console.stderrTruncated(),
                error == null ? resultJson : null, error, Duration.ofNanos(supervisor.elapsedNanos()),
                supervisor.hostCalls().calls());
    }

    private GuestOutcome loop(ExecutionSupervisor supervisor, ConsoleCapture console) throws GuestFault {
        while (true) {
            if (supervisor.killed()) {
                throw new GuestFault(null, true);
            }
            inGuest = true;
            long entered = System.nanoTime();
            boolean completed = vcpu.run();
            counters.kvmRunNanos += System.nanoTime() - entered;
            inGuest = false;
            if (!completed) {
                counters.interruptedRuns++;
                continue; // EINTR: a kick for us (checked above) or a stale one from an earlier execution
            }
            int reason = vcpu.exitReason();
            if (reason == KvmApi.EXIT_IO) {
                GuestOutcome outcome = portExit(supervisor, console);
                if (outcome != null) {
                    return outcome;
                }
            } else if (reason == KvmApi.EXIT_INTR) {
                counters.interruptedRuns++;
            } else {
                counters.otherExits++;
                throw GuestFault.ofExit(vcpu, layout, reason);
            }
        }
    }

    /** An OUT to one of the ABI's ports; the outcome when the guest is done, else null. */
    private GuestOutcome portExit(ExecutionSupervisor supervisor, ConsoleCapture console) throws GuestFault {
        int port = ioPort();
        switch (port) {
            case Mailbox.PORT_HOSTCALL -> {
                counters.hostCallExits++;
                if (!hostCall(supervisor)) {
                    return SUSPENDED;
                }
            }
            case Mailbox.PORT_LOG_FLUSH -> {
                counters.logExits++;
                drainLog(supervisor, console);
            }
            case Mailbox.PORT_SLEEP -> {
                counters.sleepExits++;
                long requested = mailbox.getLong(Mailbox.OFF_SLEEP_US);
                supervisor.sleep(requested < 0 || requested > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : requested * 1000);
            }
            case Mailbox.PORT_DONE -> {
                counters.otherExits++;
                drainLog(supervisor, console);
                return readOutcome();
            }
            case Mailbox.PORT_ABORT -> {
                counters.otherExits++;
                throw GuestFault.crash(GuestAbort.describe(mailbox.getInt(Mailbox.OFF_ABORT_CODE),
                        readOutText(Mailbox.OFF_OUTCOME_LENGTH)));
            }
            case Mailbox.PORT_EXCEPTION -> {
                counters.otherExits++;
                throw GuestFault.exception(vcpu);
            }
            case Mailbox.PORT_OUT_OF_MEMORY -> {
                counters.otherExits++;
                drainLog(supervisor, console); // what the program printed before still counts
                throw new GuestFault(supervisor.limits().stoppedBy(ErrorType.OUT_OF_MEMORY), false);
            }
            default -> {
                counters.otherExits++;
                throw GuestFault.crash("unexpected I/O exit on port 0x" + Integer.toHexString(port));
            }
        }
        return null;
    }

    /** Port of an OUT exit; anything but a single 4-byte OUT is a protocol violation. */
    private int ioPort() throws GuestFault {
        Pointer run = vcpu.runPage();
        int direction = run.getByte(KvmApi.RUN_IO_DIRECTION);
        int size = run.getByte(KvmApi.RUN_IO_SIZE);
        int count = run.getInt(KvmApi.RUN_IO_COUNT);
        int port = Short.toUnsignedInt(run.getShort(KvmApi.RUN_IO_PORT));
        if (direction != KvmApi.IO_DIRECTION_OUT || size != 4 || count != 1) {
            throw GuestFault.crash("unexpected I/O exit: port 0x" + Integer.toHexString(port) + ", direction " + direction
                    + ", size " + size + ", count " + count);
        }
        return port;
    }

    /** Answers a host call; false when its function suspended the program instead (the exit stays unanswered). */
    private boolean hostCall(ExecutionSupervisor supervisor) throws GuestFault {
        byte[] request = copyOut(Mailbox.OFF_CALL_LENGTH, Math.min(layout.outCapacityBytes(),
                supervisor.limits().maxHostCallRequestBytes()), "host-call request");
        HostCallDispatcher.Reply reply;
        try {
            reply = supervisor.hostCall(request);
        } catch (GuestProtocolException e) {
            throw GuestFault.crash(e.getMessage());
        }
        if (supervisor.hostCalls().suspended() != null) {
            return false;
        }
        writeReply(reply);
        return true;
    }

    private void writeReply(HostCallDispatcher.Reply reply) {
        memory.write(layout.inAddress(), reply.bytes(), 0, reply.bytes().length);
        snapshot.hostWroteIn(reply.bytes().length);
        mailbox.setInt(Mailbox.OFF_REPLY_LENGTH, reply.bytes().length);
        mailbox.setInt(Mailbox.OFF_REPLY_STATUS, reply.ok() ? Mailbox.REPLY_OK : Mailbox.REPLY_ERROR);
    }

    /**
     * KVM completes the host call's OUT at the next entry, moving RIP past it; an entry that exits at once does that
     * without running guest code (as for an abandoned exit), and the registers then are where the program goes on.
     */
    private byte[] registersPastSuspendedCall() {
        vcpu.setImmediateExit(true);
        vcpu.run();
        vcpu.setImmediateExit(false);
        return vcpu.saveRegisters();
    }

    private void drainLog(ExecutionSupervisor supervisor, ConsoleCapture console) throws GuestFault {
        byte[] records = copyOut(Mailbox.OFF_LOG_LENGTH, layout.logCapacityBytes(), "console buffer", layout.logAddress());
        try {
            if (!LogRecords.append(console, records)) {
                supervisor.stop(ErrorType.OUTPUT_LIMIT);
            }
        } catch (GuestProtocolException e) {
            throw GuestFault.crash(e.getMessage());
        }
    }

    private GuestOutcome readOutcome() throws GuestFault {
        byte[] outcome = copyOut(Mailbox.OFF_OUTCOME_LENGTH, layout.outCapacityBytes(), "outcome");
        try {
            return GuestOutcome.decode(outcome);
        } catch (GuestProtocolException e) {
            throw GuestFault.crash(e.getMessage());
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
            throw GuestFault.crash(what + " length " + length + " exceeds the " + limit + "-byte limit");
        }
        byte[] copy = new byte[(int) length];
        memory.read(address, copy, 0, copy.length);
        return copy;
    }

    /**
     * From KVM where it says; otherwise measured once over the boot, the only time the guest's own TSC readings can be
     * trusted (no program has run yet). Never measured again: what an execution leaves in guest memory must not
     * change the clock of the next one.
     */
    private long measuredTscPerMs(long enteredNanos, long exitedNanos) {
        long khz = vcpu.tscKhz();
        if (khz > 0) {
            return khz;
        }
        long ticks = mailbox.getLong(Mailbox.OFF_TSC_AT_EXIT) - mailbox.getLong(Mailbox.OFF_TSC_AT_ENTRY);
        long elapsedNanos = exitedNanos - enteredNanos;
        return ticks > 0 && elapsedNanos > 0 ? (long) (ticks / (elapsedNanos / 1e6)) : 0;
    }
}
