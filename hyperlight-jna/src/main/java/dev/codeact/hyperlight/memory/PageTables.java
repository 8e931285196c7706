package dev.codeact.hyperlight.memory;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.elf.ElfImage;

/**
 * Four-level identity map with 4 KiB pages, every level user-accessible (the guest runs in ring 3).
 * Accessed and dirty bits are preset so the CPU never writes the tables, which live in a read-only slot.
 */
public final class PageTables {
    private static final long PRESENT = 1L;
    private static final long WRITABLE = 1L << 1;
    private static final long USER = 1L << 2;
    private static final long ACCESSED = 1L << 5;
    private static final long DIRTY = 1L << 6;
    private static final long NO_EXECUTE = 1L << 63;
    private static final long TABLE_ENTRY = PRESENT | WRITABLE | USER | ACCESSED;
    private static final long CODE_PAGE = PRESENT | USER | ACCESSED;
    private static final long READ_ONLY_PAGE = PRESENT | USER | ACCESSED | NO_EXECUTE;
    private static final long DATA_PAGE = PRESENT | WRITABLE | USER | ACCESSED | DIRTY | NO_EXECUTE;
    private static final long TWO_MIB = 2L << 20;
    private static final long ONE_GIB = 1L << 30;

    private PageTables() {
    }

    /** Writes the tables into guest memory at {@link GuestLayout#PAGE_TABLES_ADDRESS}; returns CR3. */
    public static long write(Pointer guestMemory, GuestLayout layout, ElfImage image) {
        long pml4 = GuestLayout.PAGE_TABLES_ADDRESS;
        long pdpt = pml4 + GuestLayout.PAGE_BYTES;
        long directories = (layout.totalBytes() + ONE_GIB - 1) / ONE_GIB;
        long firstDirectory = pdpt + GuestLayout.PAGE_BYTES;
        long firstTable = firstDirectory + directories * GuestLayout.PAGE_BYTES;
        long tables = (layout.totalBytes() + TWO_MIB - 1) / TWO_MIB;
        if (firstTable + tables * GuestLayout.PAGE_BYTES > GuestLayout.PAGE_TABLES_LIMIT) {
            throw new IllegalArgumentException("guest memory too large for the page-table area");
        }
        guestMemory.setMemory(pml4, firstTable + tables * GuestLayout.PAGE_BYTES - pml4, (byte) 0);
        guestMemory.setLong(pml4, pdpt | TABLE_ENTRY);
        for (long d = 0; d < directories; d++) {
            guestMemory.setLong(pdpt + d * 8, (firstDirectory + d * GuestLayout.PAGE_BYTES) | TABLE_ENTRY);
        }
        for (long t = 0; t < tables; t++) {
            guestMemory.setLong(firstDirectory + t * 8, (firstTable + t * GuestLayout.PAGE_BYTES) | TABLE_ENTRY);
        }
        for (long page = GuestLayout.TSS_ADDRESS; page < GuestLayout.SYSTEM_TABLES_END; page += GuestLayout.PAGE_BYTES) {
            guestMemory.setLong(firstTable + (page / GuestLayout.PAGE_BYTES) * 8, page | READ_ONLY_PAGE);
        }
        for (long page = GuestLayout.IMAGE_BASE_ADDRESS; page < layout.totalBytes(); page += GuestLayout.PAGE_BYTES) {
            long flags = flagsFor(page, layout, image);
            if (flags != 0) {
                long entry = firstTable + (page / GuestLayout.PAGE_BYTES) * 8;
                guestMemory.setLong(entry, page | flags);
            }
        }
        return pml4;
    }

    private static long flagsFor(long page, GuestLayout layout, ElfImage image) {
        if (page >= layout.rwStart()) {
            return DATA_PAGE; // includes the guard page: writable here, read-only in its slot
        }
        for (ElfImage.Segment s : image.segments()) {
            if (page >= GuestLayout.alignDown(s.address()) && page < s.end()) {
                return s.executable() ? CODE_PAGE : READ_ONLY_PAGE;
            }
        }
        return 0;
    }
}
