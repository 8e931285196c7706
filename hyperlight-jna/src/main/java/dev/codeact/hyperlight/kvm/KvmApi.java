package dev.codeact.hyperlight.kvm;

/** KVM ioctl numbers, capabilities and exit reasons for x86-64, as in {@code <linux/kvm.h>}. */
public final class KvmApi {
    private KvmApi() {
    }

    public static final int EXPECTED_API_VERSION = 12;

    public static final long GET_API_VERSION = 0xAE00L;
    public static final long CREATE_VM = 0xAE01L;
    public static final long CHECK_EXTENSION = 0xAE03L;
    public static final long GET_VCPU_MMAP_SIZE = 0xAE04L;
    public static final long CREATE_VCPU = 0xAE41L;
    public static final long GET_DIRTY_LOG = 0x4010AE42L;
    public static final long SET_USER_MEMORY_REGION = 0x4020AE46L;
    public static final long SET_TSS_ADDR = 0xAE47L;
    public static final long RUN = 0xAE80L;
    public static final long GET_REGS = 0x8090AE81L;
    public static final long SET_REGS = 0x4090AE82L;
    public static final long GET_SREGS = 0x8138AE83L;
    public static final long SET_SREGS = 0x4138AE84L;
    public static final long GET_FPU = 0x81A0AE8CL;
    public static final long SET_FPU = 0x41A0AE8DL;
    public static final long GET_MSRS = 0xC008AE88L;
    public static final long ENABLE_CAP = 0x4068AEA3L;
    public static final long GET_TSC_KHZ = 0xAEA3L;
    public static final long CLEAR_DIRTY_LOG = 0xC018AEC0L;

    public static final int CAP_USER_MEMORY = 3;
    public static final int CAP_READONLY_MEM = 0x51;
    public static final int CAP_IMMEDIATE_EXIT = 0x88;
    public static final int CAP_MANUAL_DIRTY_LOG_PROTECT2 = 168;
    public static final int CAP_SYNC_REGS = 74;
    public static final long SYNC_X86_REGS = 1;
    public static final long DIRTY_LOG_MANUAL_PROTECT_ENABLE = 1;

    public static final int MEM_LOG_DIRTY_PAGES = 1;
    public static final int MEM_READONLY = 2;

    public static final int EXIT_IO = 2;
    public static final int EXIT_HLT = 5;
    public static final int EXIT_MMIO = 6;
    public static final int EXIT_SHUTDOWN = 8;
    public static final int EXIT_FAIL_ENTRY = 9;
    public static final int EXIT_INTR = 10;
    public static final int EXIT_INTERNAL_ERROR = 17;

    public static final int IO_DIRECTION_OUT = 1;

    /* struct kvm_run offsets */
    public static final int RUN_IMMEDIATE_EXIT = 1;
    public static final int RUN_EXIT_REASON = 8;
    public static final int RUN_IO_DIRECTION = 32;
    public static final int RUN_IO_SIZE = 33;
    public static final int RUN_IO_PORT = 34;
    public static final int RUN_IO_COUNT = 36;
    public static final int RUN_IO_DATA_OFFSET = 40;
    public static final int RUN_MMIO_PHYS_ADDR = 32;
    public static final int RUN_MMIO_LEN = 48;
    public static final int RUN_MMIO_IS_WRITE = 52;
    public static final int RUN_INTERNAL_SUBERROR = 32;
    public static final int RUN_FAIL_ENTRY_REASON = 32;
    public static final int RUN_DIRTY_REGS = 296;
    public static final int RUN_SYNC_REGS = 304;

    /* struct kvm_regs */
    public static final int REGS_BYTES = 144;
    public static final int REGS_RAX = 0;
    public static final int REGS_RBX = 8;
    public static final int REGS_RCX = 16;
    public static final int REGS_RSP = 48;
    public static final int REGS_RDI = 40;
    public static final int REGS_RIP = 128;
    public static final int REGS_RFLAGS = 136;

    /* struct kvm_sregs */
    public static final int SREGS_BYTES = 312;
    public static final int SREGS_CS = 0;
    public static final int SREGS_DS = 24;
    public static final int SREGS_ES = 48;
    public static final int SREGS_FS = 72;
    public static final int SREGS_GS = 96;
    public static final int SREGS_SS = 120;
    public static final int SREGS_TR = 144;
    public static final int SREGS_GDT = 192;
    public static final int SREGS_IDT = 208;
    public static final int SREGS_CR0 = 224;
    public static final int SREGS_CR2 = 232;
    public static final int SREGS_CR3 = 240;
    public static final int SREGS_CR4 = 248;
    public static final int SREGS_EFER = 264;

    /* struct kvm_fpu */
    public static final int FPU_BYTES = 416;
    public static final int FPU_FCW = 128;
    public static final int FPU_MXCSR = 408;

    /* struct kvm_msrs with one struct kvm_msr_entry, and the time-stamp counter's MSR */
    public static final int MSRS_ONE_BYTES = 8 + 16;
    public static final int MSR_IA32_TSC = 0x10;

    public static final int MEMORY_REGION_BYTES = 32;
    public static final int DIRTY_LOG_BYTES = 16;
    public static final int ENABLE_CAP_BYTES = 104;
    public static final int CLEAR_DIRTY_LOG_BYTES = 24;
}
