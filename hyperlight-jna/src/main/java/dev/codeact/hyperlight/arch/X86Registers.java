package dev.codeact.hyperlight.arch;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.kvm.KvmApi;
import dev.codeact.hyperlight.kvm.KvmVcpu;
import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.SystemTables;

/**
 * The x86-64 state the guest runs in: 64-bit long mode with paging, every segment ring 3, the system tables
 * ({@link SystemTables}: TSS, GDT, IDT) loaded from where {@link GuestLayout} puts them. The guest never changes
 * any of it (ring 3 cannot), so it is written once into the vCPU's special registers and stored again only after
 * an abnormal exit.
 */
public final class X86Registers {
    /** RFLAGS at every entry: bit 1 (always set) and IOPL 3, so that ring 3 may use the ports of the host-call ABI. */
    public static final long RFLAGS_IOPL3 = 0x3002L;
    /** Protection, monitor/extension/numeric-error (x87 as SSE needs it), write-protect, alignment mask, paging. */
    static final long CR0_PE_MP_ET_NE_WP_AM_PG = 0x80050033L;
    /** The flags a ring-3 program sets itself: carry, parity, adjust, zero, sign, direction, overflow. */
    static final long RFLAGS_PROGRAM_FLAGS = 0xED5L;
    /** The MXCSR bits the SSE unit defines; a set reserved bit would fault when the state is loaded. */
    static final int MXCSR_DEFINED_BITS = 0xFFFF;
    /** Physical-address extension (4-level paging) and the OS's support for SSE state and its exceptions. */
    static final long CR4_PAE_OSFXSR_OSXMMEXCPT = 0x620L;
    /** SYSCALL enabled, long mode enabled and active, no-execute pages. */
    static final long EFER_SCE_LME_LMA_NXE = 0xD01L;
    /** Segment types: execute/read code (accessed), read/write data (accessed). */
    private static final int CODE_TYPE = 11;
    private static final int DATA_TYPE = 3;

    private X86Registers() {
    }

    /**
     * Prepares the vCPU's special-register buffer: ring-3 long-mode segments, FS based at the guest's thread block,
     * the system tables, paging from {@code cr3}. Exceptions go to the guest's ring-3 stubs when {@code idtLimit}
     * is not 0. Takes effect with {@link KvmVcpu#storeSregs()}.
     */
    public static void prepareLongModeRing3(KvmVcpu vcpu, long cr3, int idtLimit, long threadPointer) {
        vcpu.loadSregs();
        Pointer s = vcpu.sregsBuffer();
        writeSegment(s, KvmApi.SREGS_CS, SystemTables.USER_CODE_SELECTOR, CODE_TYPE, true, 0);
        for (int offset : new int[] {KvmApi.SREGS_DS, KvmApi.SREGS_ES, KvmApi.SREGS_GS, KvmApi.SREGS_SS}) {
            writeSegment(s, offset, SystemTables.USER_DATA_SELECTOR, DATA_TYPE, false, 0);
        }
        writeSegment(s, KvmApi.SREGS_FS, SystemTables.USER_DATA_SELECTOR, DATA_TYPE, false, threadPointer);
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

    /**
     * Saved registers ({@link KvmVcpu#saveRegisters()}) made safe to resume from, whatever store they came back from: a
     * state is as hostile as the guest it was taken from, so of RFLAGS only what a ring-3 program sets itself is kept
     * (no trap flag, no interrupt flag, IOPL 3 as at every entry), and MXCSR keeps only its defined bits.
     */
    public static byte[] resumable(byte[] saved) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(saved.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(KvmApi.REGS_RFLAGS, (b.getLong(KvmApi.REGS_RFLAGS) & RFLAGS_PROGRAM_FLAGS) | RFLAGS_IOPL3);
        int mxcsr = KvmApi.REGS_BYTES + KvmApi.FPU_MXCSR;
        b.putInt(mxcsr, b.getInt(mxcsr) & MXCSR_DEFINED_BITS);
        return b.array();
    }

    /** One struct kvm_segment: flat 4 GiB, present, DPL 3; 64-bit code, or 32-bit-default data. */
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
}
