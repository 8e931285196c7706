package dev.codeact.hyperlight.memory;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.elf.ElfImage;
import java.util.OptionalLong;

/**
 * The x86 system structures a ring-3 guest needs: a TSS (for its I/O bitmap), a GDT holding the ring-3
 * code and data segments (exception delivery loads CS from it), and an IDT whose 32 exception vectors
 * point at the guest's stubs, so a fault is reported with its vector instead of a bare shutdown.
 */
public final class SystemTables {
    /** Guest symbol of 32 exception stubs, 16 bytes apart, each ending in an `out` to the exception port. */
    public static final String EXCEPTION_STUBS_SYMBOL = "hl_exception_stubs";
    public static final int EXCEPTION_VECTORS = 32;
    public static final int EXCEPTION_STUB_BYTES = 16;
    public static final int GDT_LIMIT = 5 * 8 - 1;
    public static final int USER_CODE_SELECTOR = 0x1B;
    public static final int USER_DATA_SELECTOR = 0x23;
    private static final long USER_CODE_64_DPL3 = 0x00AFFA000000FFFFL;
    private static final long USER_DATA_DPL3 = 0x00CFF2000000FFFFL;
    private static final long INTERRUPT_GATE_PRESENT_DPL3 = 0xEEL;
    private static final int TSS_IO_MAP_BASE_OFFSET = 0x66;

    private SystemTables() {
    }

    /** Writes the tables; returns the IDT limit to load, 0 when the image has no usable exception stubs. */
    public static int write(Pointer guestMemory, ElfImage image) {
        guestMemory.setMemory(GuestLayout.TSS_ADDRESS, GuestLayout.SYSTEM_TABLES_END - GuestLayout.TSS_ADDRESS, (byte) 0);
        guestMemory.setShort(GuestLayout.TSS_ADDRESS + TSS_IO_MAP_BASE_OFFSET, (short) GuestLayout.TSS_IO_BITMAP_OFFSET);
        guestMemory.setByte(GuestLayout.TSS_ADDRESS + GuestLayout.TSS_LIMIT_BYTES, (byte) 0xFF);

        guestMemory.setLong(GuestLayout.GDT_ADDRESS + (USER_CODE_SELECTOR & ~7), USER_CODE_64_DPL3);
        guestMemory.setLong(GuestLayout.GDT_ADDRESS + (USER_DATA_SELECTOR & ~7), USER_DATA_DPL3);

        OptionalLong stubs = exceptionStubs(image);
        if (stubs.isEmpty()) {
            return 0;
        }
        for (int vector = 0; vector < EXCEPTION_VECTORS; vector++) {
            long handler = stubs.getAsLong() + (long) vector * EXCEPTION_STUB_BYTES;
            long low = (handler & 0xFFFF) | ((long) USER_CODE_SELECTOR << 16) | (INTERRUPT_GATE_PRESENT_DPL3 << 40)
                    | (((handler >>> 16) & 0xFFFF) << 48);
            guestMemory.setLong(GuestLayout.IDT_ADDRESS + vector * 16L, low);
            guestMemory.setLong(GuestLayout.IDT_ADDRESS + vector * 16L + 8, handler >>> 32);
        }
        return EXCEPTION_VECTORS * 16 - 1;
    }

    /** The stubs' address, if the image names them and all 32 lie inside one executable segment. */
    private static OptionalLong exceptionStubs(ElfImage image) {
        OptionalLong stubs = image.symbol(EXCEPTION_STUBS_SYMBOL);
        if (stubs.isEmpty()) {
            return stubs;
        }
        long start = stubs.getAsLong();
        long end = start + (long) EXCEPTION_VECTORS * EXCEPTION_STUB_BYTES;
        for (ElfImage.Segment s : image.segments()) {
            if (s.executable() && start >= s.address() && end <= s.end()) {
                return stubs;
            }
        }
        return OptionalLong.empty();
    }

    private static final String[] VECTOR_NAMES = {
        "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range exceeded",
        "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor segment overrun",
        "#TS invalid TSS", "#NP segment not present", "#SS stack-segment fault", "#GP general protection fault",
        "#PF page fault", "reserved", "#MF x87 floating-point error", "#AC alignment check", "#MC machine check",
        "#XM SIMD floating-point error", "#VE virtualization exception", "#CP control protection",
    };

    public static String vectorName(long vector) {
        return vector >= 0 && vector < VECTOR_NAMES.length ? VECTOR_NAMES[(int) vector] : "vector " + vector;
    }
}
