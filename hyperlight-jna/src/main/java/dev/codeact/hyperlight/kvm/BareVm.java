package dev.codeact.hyperlight.kvm;

import com.sun.jna.Pointer;

/**
 * A bare VM with no guest runtime, whose ring-3 code is {@code out; jmp back}: every KVM_RUN is one
 * I/O-port exit round trip. It is the floor the benchmarks measure every figure against, and the probe
 * for what this kernel charges to move a vCPU between threads. Use it from one thread at a time.
 */
public final class BareVm implements AutoCloseable {
    private static final long MEMORY_BYTES = 4L << 20;
    private static final long CODE_ADDRESS = 0x100000;
    private static final long RFLAGS_IOPL3 = 0x3002;
    /** mov eax, 1 ; out 0xE1, eax ; jmp -4 (back to the out) */
    private static final byte[] CODE = {(byte) 0xB8, 1, 0, 0, 0, (byte) 0xE7, (byte) 0xE1, (byte) 0xEB, (byte) 0xFC};

    private final KvmVm vm = new KvmVm();
    private final Pointer memory;
    private final KvmVcpu vcpu;

    public BareVm() {
        memory = LibC.mmapOrThrow(MEMORY_BYTES, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1);
        memory.setLong(0x1000, 0x2000 | 0x27); // PML4 -> PDPT, user
        memory.setLong(0x2000, 0x3000 | 0x27); // PDPT -> PD, user
        memory.setLong(0x3000, 0xE7);          // 2 MiB page at 0: user, writable (covers the default TSS at 0)
        memory.write(CODE_ADDRESS, CODE, 0, CODE.length);
        vm.setMemoryRegion(0, 0, 0, MEMORY_BYTES, memory);
        vcpu = vm.createVcpu(0);
        vcpu.loadSregs();
        Pointer s = vcpu.sregsBuffer();
        segment(s, 0, 0x1B, 11, true);
        for (int offset : new int[] {24, 48, 72, 96, 120}) {
            segment(s, offset, 0x23, 3, false);
        }
        s.setLong(224, 0x80050033L);
        s.setLong(240, 0x1000);
        s.setLong(248, 0x620);
        s.setLong(264, 0xD01);
        vcpu.storeSregs();
        resetAndRun();
    }

    /** Resets the registers to the start of the code and runs to the first exit. */
    public void resetAndRun() {
        vcpu.setEntryRegisters(CODE_ADDRESS, 0x200000, 0, RFLAGS_IOPL3);
        vcpu.run();
    }

    /** Resumes the guest, which exits again at its next `out`. */
    public void exitRoundTrip() {
        vcpu.run();
    }

    private static void segment(Pointer s, int offset, int selector, int type, boolean code) {
        s.setLong(offset, 0);
        s.setInt(offset + 8, 0xFFFFFFFF);
        s.setShort(offset + 12, (short) selector);
        s.setByte(offset + 14, (byte) type);
        s.setByte(offset + 15, (byte) 1);
        s.setByte(offset + 16, (byte) 3);
        s.setByte(offset + 17, (byte) (code ? 0 : 1));
        s.setByte(offset + 18, (byte) 1);
        s.setByte(offset + 19, (byte) (code ? 1 : 0));
        s.setByte(offset + 20, (byte) 1);
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        LibC.munmap(memory, MEMORY_BYTES);
    }
}
