package dev.codeact.hyperlight.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One vCPU: its fd, its shared {@code kvm_run} page and preallocated register buffers, so the hot path
 * allocates nothing. Every method but {@link #requestImmediateExit()} must be called by one thread at a time;
 * which thread may change between calls (see {@link VcpuMigration} for what that costs).
 */
public final class KvmVcpu implements AutoCloseable {
    private final int fd;
    private final Pointer run;
    private final int runBytes;
    private final Memory regs = new Memory(KvmApi.REGS_BYTES);
    private final Memory sregs = new Memory(KvmApi.SREGS_BYTES);
    private final Memory fpu = new Memory(KvmApi.FPU_BYTES);
    /** Registers can be handed over in the kvm_run page, applied by the next KVM_RUN: one ioctl fewer per entry. */
    private final boolean syncRegs;
    private boolean closed;

    KvmVcpu(int fd, int runBytes, boolean syncRegs) {
        this.fd = fd;
        this.runBytes = runBytes;
        this.syncRegs = syncRegs;
        this.run = LibC.mmapOrThrow(runBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd);
    }

    /** Enters the guest until the next exit. Returns false when KVM_RUN was interrupted (EINTR). */
    public boolean run() {
        try {
            LibC.ioctl(fd, KvmApi.RUN, 0L);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR || e.getErrorCode() == LibC.EAGAIN) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The guest's TSC frequency as KVM keeps it (KVM_GET_TSC_KHZ), or -1 where KVM does not say: what the guest's
     * clock divides TSC ticks by, taken from the hypervisor rather than from anything a guest reported.
     */
    public long tscKhz() {
        try {
            int khz = LibC.ioctl(fd, KvmApi.GET_TSC_KHZ, 0L);
            return khz > 0 ? khz : -1;
        } catch (LastErrorException e) {
            return -1;
        }
    }

    public Pointer runPage() {
        return run;
    }

    public int runPageBytes() {
        return runBytes;
    }

    public int exitReason() {
        return run.getInt(KvmApi.RUN_EXIT_REASON);
    }

    public void setImmediateExit(boolean value) {
        run.setByte(KvmApi.RUN_IMMEDIATE_EXIT, (byte) (value ? 1 : 0));
    }

    /** Safe from any thread: the next or current KVM_RUN returns EINTR. */
    public void requestImmediateExit() {
        setImmediateExit(true);
    }

    public Memory sregsBuffer() {
        return sregs;
    }

    public void loadSregs() {
        LibC.ioctl(fd, KvmApi.GET_SREGS, sregs);
    }

    public void storeSregs() {
        LibC.ioctl(fd, KvmApi.SET_SREGS, sregs);
    }

    /**
     * Every general register zero but these. Takes effect at the next {@link #run()}: written into the kvm_run
     * page where KVM_CAP_SYNC_REGS allows (KVM loads them before it completes any pending I/O, as SET_REGS
     * would have), else set at once with KVM_SET_REGS.
     */
    public void setEntryRegisters(long rip, long rsp, long rdi, long rflags) {
        Pointer target = syncRegs ? run.share(KvmApi.RUN_SYNC_REGS) : regs;
        target.setMemory(0, KvmApi.REGS_BYTES, (byte) 0);
        target.setLong(KvmApi.REGS_RIP, rip);
        target.setLong(KvmApi.REGS_RSP, rsp);
        target.setLong(KvmApi.REGS_RDI, rdi);
        target.setLong(KvmApi.REGS_RFLAGS, rflags);
        if (syncRegs) {
            run.setLong(KvmApi.RUN_DIRTY_REGS, run.getLong(KvmApi.RUN_DIRTY_REGS) | KvmApi.SYNC_X86_REGS);
        } else {
            LibC.ioctl(fd, KvmApi.SET_REGS, regs);
        }
    }

    /** Reads the instruction pointer at the last exit, for crash reports. */
    public long instructionPointer() {
        LibC.ioctl(fd, KvmApi.GET_REGS, regs);
        return regs.getLong(KvmApi.REGS_RIP);
    }

    /** RAX, RBX, RCX at the last exit and CR2: what an exception stub reports (vector, RIP, error code, fault address). */
    public long[] exceptionRegisters() {
        LibC.ioctl(fd, KvmApi.GET_REGS, regs);
        LibC.ioctl(fd, KvmApi.GET_SREGS, sregs);
        return new long[] {regs.getLong(KvmApi.REGS_RAX), regs.getLong(KvmApi.REGS_RBX), regs.getLong(KvmApi.REGS_RCX),
            sregs.getLong(KvmApi.SREGS_CR2)};
    }

    /**
     * The general registers and the x87/SSE state at the last exit, as KVM's own structures (kvm_regs, then kvm_fpu):
     * what a guest stopped in the middle of its work needs to go on, on this vCPU or another of the same layout.
     */
    public byte[] saveRegisters() {
        LibC.ioctl(fd, KvmApi.GET_REGS, regs);
        LibC.ioctl(fd, KvmApi.GET_FPU, fpu);
        byte[] saved = new byte[KvmApi.REGS_BYTES + KvmApi.FPU_BYTES];
        regs.read(0, saved, 0, KvmApi.REGS_BYTES);
        fpu.read(0, saved, KvmApi.REGS_BYTES, KvmApi.FPU_BYTES);
        return saved;
    }

    /** Loads what {@link #saveRegisters()} returned; the next {@link #run()} goes on from there. */
    public void restoreRegisters(byte[] saved) {
        if (saved.length != KvmApi.REGS_BYTES + KvmApi.FPU_BYTES) {
            throw new IllegalArgumentException("saved registers are " + saved.length + " bytes, not "
                    + (KvmApi.REGS_BYTES + KvmApi.FPU_BYTES));
        }
        regs.write(0, saved, 0, KvmApi.REGS_BYTES);
        fpu.write(0, saved, KvmApi.REGS_BYTES, KvmApi.FPU_BYTES);
        if (syncRegs) { // registers handed over in the kvm_run page must not overwrite these at the next entry
            run.setLong(KvmApi.RUN_DIRTY_REGS, run.getLong(KvmApi.RUN_DIRTY_REGS) & ~KvmApi.SYNC_X86_REGS);
        }
        LibC.ioctl(fd, KvmApi.SET_REGS, regs);
        LibC.ioctl(fd, KvmApi.SET_FPU, fpu);
    }

    /** The guest's time-stamp counter now (its IA32_TSC MSR), which the guest's clock counts from. */
    public long guestTsc() {
        Memory msrs = new Memory(KvmApi.MSRS_ONE_BYTES);
        msrs.clear();
        msrs.setInt(0, 1);
        msrs.setInt(8, KvmApi.MSR_IA32_TSC);
        if (LibC.ioctl(fd, KvmApi.GET_MSRS, msrs) != 1) {
            throw new IllegalStateException("KVM did not read the guest's TSC");
        }
        return msrs.getLong(16);
    }

    /** x87 and SSE state as after reset: FCW 0x37F, MXCSR 0x1F80 with all exceptions masked. */
    public void resetFpu() {
        fpu.clear();
        fpu.setShort(KvmApi.FPU_FCW, (short) 0x37F);
        fpu.setInt(KvmApi.FPU_MXCSR, 0x1F80);
        LibC.ioctl(fd, KvmApi.SET_FPU, fpu);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.munmap(run, runBytes);
        LibC.close(fd);
    }
}
