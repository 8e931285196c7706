package dev.codeact.hyperlight.memory;

import dev.codeact.hyperlight.abi.Mailbox;
import dev.codeact.hyperlight.elf.ElfImage;

/**
 * Guest-physical (= guest-virtual) memory map. Everything is placed by the host:
 *
 * <pre>
 * 0x0        unmapped page (catches NULL)
 * 0x1000     page tables                         slot 0, read-only
 * 0xF0000    system tables, read-only: a TSS with an all-allow I/O bitmap (PVM consults it for every
 *            `out`, whatever IOPL says), a GDT with the ring-3 segments, an IDT of ring-3 exception stubs
 * 0x100000   ELF code and read-only data, R-X    slot 0, read-only
 * rwStart    ELF data/bss, mailbox, static TLS,  slot 1, read-write, dirty-logged
 *            thread block (FS.base),
 *            IN, OUT, LOG buffers, heap
 * guard      one page, writable in the page tables but backed read-only, so a stack overflow
 *            exits with the faulting address      slot 2, read-only
 * stack      grows down to the guard              slot 3, read-write, dirty-logged
 * </pre>
 *
 * Everything below rwStart is the same for all VMs of one image and layout: see {@link LowRegionTemplate}.
 */
public record GuestLayout(
        long rwStart,
        long mailboxAddress,
        long tlsAddress,
        long inAddress, int inCapacityBytes,
        long outAddress, int outCapacityBytes,
        long logAddress, int logCapacityBytes,
        long heapAddress, long heapSizeBytes,
        long guardAddress,
        long stackBottom, long stackTop,
        long totalBytes) {

    public static final int PAGE_BYTES = 4096;
    public static final long PAGE_TABLES_ADDRESS = 0x1000;
    public static final long TSS_ADDRESS = 0xF0000;
    /** 104-byte 64-bit TSS, then an I/O permission bitmap for 65536 ports and its terminating 0xFF byte. */
    public static final int TSS_IO_BITMAP_OFFSET = 104;
    public static final int TSS_LIMIT_BYTES = TSS_IO_BITMAP_OFFSET + 65536 / 8;
    public static final long GDT_ADDRESS = 0xF3000;
    public static final long IDT_ADDRESS = 0xF4000;
    public static final long SYSTEM_TABLES_END = 0xF5000;
    public static final long PAGE_TABLES_LIMIT = TSS_ADDRESS;
    public static final long IMAGE_BASE_ADDRESS = 0x100000;
    public static final int MAILBOX_BYTES = PAGE_BYTES;
    /** The static TLS block (the image's thread-locals, below the thread pointer) and musl's thread block. */
    public static final int TLS_BYTES = Mailbox.STATIC_TLS_BYTES + PAGE_BYTES;
    /** Page tables must fit below the image: 252 page tables map about 500 MiB. */
    public static final long MAX_TOTAL_BYTES = 500L << 20;

    public static final int SLOT_LOW_READ_ONLY = 0;
    public static final int SLOT_DATA = 1;
    public static final int SLOT_GUARD = 2;
    public static final int SLOT_STACK = 3;

    public static GuestLayout of(ElfImage image, GuestMemorySizes sizes) {
        long rwStart = -1;
        long roEnd = IMAGE_BASE_ADDRESS;
        for (ElfImage.Segment s : image.segments()) {
            if (s.writable()) {
                if (rwStart < 0) {
                    rwStart = alignDown(s.address());
                }
            } else {
                if (rwStart >= 0) {
                    throw new IllegalArgumentException("read-only segments must come before writable ones");
                }
                roEnd = alignUp(s.end());
            }
        }
        if (rwStart < 0) {
            rwStart = roEnd;
        }
        if (rwStart < roEnd) {
            throw new IllegalArgumentException("writable segment shares a page with read-only code");
        }
        long cursor = alignUp(image.imageEnd());
        long mailbox = cursor;
        cursor += MAILBOX_BYTES;
        long tls = cursor + Mailbox.STATIC_TLS_BYTES; // the thread pointer: thread-locals below it, musl's block above
        cursor += TLS_BYTES;
        long in = cursor;
        cursor += alignUp(sizes.inBufferBytes());
        long out = cursor;
        cursor += alignUp(sizes.outBufferBytes());
        long log = cursor;
        cursor += alignUp(sizes.logBufferBytes());
        long heap = cursor;
        cursor += alignUp(sizes.heapBytes());
        long guard = cursor;
        cursor += PAGE_BYTES;
        long stackBottom = cursor;
        cursor += alignUp(sizes.stackBytes());
        if (cursor > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("guest memory of " + (cursor >> 20) + " MiB exceeds the "
                    + (MAX_TOTAL_BYTES >> 20) + " MiB the page tables can map");
        }
        return new GuestLayout(rwStart, mailbox, tls, in, sizes.inBufferBytes(), out, sizes.outBufferBytes(),
                log, sizes.logBufferBytes(), heap, alignUp(sizes.heapBytes()), guard, stackBottom, cursor, cursor);
    }

    public long dataSlotBytes() {
        return guardAddress - rwStart;
    }

    public long stackSlotBytes() {
        return stackTop - stackBottom;
    }

    public static long alignUp(long value) {
        return (value + PAGE_BYTES - 1) & -PAGE_BYTES;
    }

    public static long alignDown(long value) {
        return value & -PAGE_BYTES;
    }
}
