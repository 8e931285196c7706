package dev.codeact.hyperlight.memory;

import dev.codeact.hyperlight.kvm.KvmVm;
import java.util.Arrays;

/**
 * Whole pages of one memory slot, by page number within the slot: what a session keeps of a VM's memory, the pages
 * that differ from the golden (booted) state. Immutable: each page is an array of its own that is never handed out or
 * changed, so that a session's next state shares the pages its program did not write with the previous one, and taking
 * it costs what the program wrote, not the size of the session.
 */
public final class SlotPages {
    public static final SlotPages NONE = new SlotPages(new long[0], new byte[0][]);

    private final long[] numbers;
    private final byte[][] pages;

    private SlotPages(long[] numbers, byte[][] pages) {
        this.numbers = numbers;
        this.pages = pages;
    }

    /**
     * Pages from outside (a store): checked, and copied.
     *
     * @param numbers page numbers within the slot, ascending and distinct
     * @param pages the pages' bytes, {@link GuestLayout#PAGE_BYTES} each, in the order of {@code numbers}
     */
    public static SlotPages of(long[] numbers, byte[][] pages) {
        if (numbers.length != pages.length) {
            throw new IllegalArgumentException(numbers.length + " page numbers for " + pages.length + " pages");
        }
        byte[][] copies = new byte[pages.length][];
        for (int i = 0; i < numbers.length; i++) {
            if (numbers[i] < 0 || (i > 0 && numbers[i] <= numbers[i - 1])) {
                throw new IllegalArgumentException("page numbers must be ascending, distinct and not negative");
            }
            if (pages[i].length != GuestLayout.PAGE_BYTES) {
                throw new IllegalArgumentException("a page is " + GuestLayout.PAGE_BYTES + " bytes, not " + pages[i].length);
            }
            copies[i] = pages[i].clone();
        }
        return new SlotPages(numbers.clone(), copies);
    }

    /** Thrown when the changed pages pass the byte budget; past it they are counted, not copied. */
    public static final class OverBudgetException extends RuntimeException {
        private final long bytes;

        public OverBudgetException(long bytes) {
            super(null, null, false, false);
            this.bytes = bytes;
        }

        /** What the pages would have taken. */
        public long bytes() {
            return bytes;
        }
    }

    /**
     * The pages of {@code slot} that differ from its golden state now, written over it from {@code previous} since the
     * last restore. A page of {@code previous} the guest did not write since is kept as it is, shared, without being
     * looked at. A page the guest wrote (KVM's log), or one of {@code alsoConsider} (page ranges as offset, length pairs
     * that the host wrote without telling the slot), is read, a run of them at a time: it is shared with
     * {@code previous} if its bytes are the same, kept if they differ from the golden state, dropped otherwise.
     *
     * @throws OverBudgetException when they take more than {@code maxBytes}; past the budget they are only counted
     */
    public static SlotPages changed(SlotSnapshot slot, KvmVm vm, SlotPages previous, long[] alsoConsider, long maxBytes) {
        long[] written = slot.guestWrittenSinceRestore(vm);
        for (int i = 0; i + 1 < alsoConsider.length; i += 2) {
            for (long p = alsoConsider[i] / GuestLayout.PAGE_BYTES; p * GuestLayout.PAGE_BYTES < alsoConsider[i] + alsoConsider[i + 1]; p++) {
                PageBitmap.set(written, p);
            }
        }
        long[] candidates = slot.hostWrittenSinceRestore();
        for (int w = 0; w < candidates.length; w++) {
            candidates[w] |= written[w];
        }
        int capacity = PageBitmap.count(candidates);
        long[] kept = new long[capacity];
        byte[][] pages = new byte[capacity][];
        RunReader reader = new RunReader(slot, written);
        int n = 0;
        long bytes = 0;
        for (int w = 0; w < candidates.length; w++) {
            for (long bits = candidates[w]; bits != 0; bits &= bits - 1) {
                long page = w * 64L + Long.numberOfTrailingZeros(bits);
                int shared = previous.indexOf(page);
                byte[] contents;
                if (!PageBitmap.get(written, page)) {
                    contents = shared >= 0 ? previous.pages[shared] : reader.differingCopy(page);
                } else {
                    int at = reader.offsetOf(page);
                    contents = shared >= 0 && Arrays.equals(reader.buffer, at, at + GuestLayout.PAGE_BYTES,
                            previous.pages[shared], 0, GuestLayout.PAGE_BYTES) ? previous.pages[shared] : reader.differingCopy(page);
                }
                if (contents != null) {
                    bytes += GuestLayout.PAGE_BYTES;
                    if (bytes <= maxBytes) {
                        kept[n] = page;
                        pages[n++] = contents;
                    }
                }
            }
        }
        if (bytes > maxBytes) {
            throw new OverBudgetException(bytes);
        }
        return new SlotPages(Arrays.copyOf(kept, n), Arrays.copyOf(pages, n));
    }

    /**
     * Reads the pages the guest wrote a run at a time (one call into native memory rather than one per page, which on
     * nested KVM costs microseconds each), into a buffer it reuses.
     */
    private static final class RunReader {
        private static final int MAX_RUN_PAGES = 64;
        private final SlotSnapshot slot;
        private final long[] written;
        private final byte[] buffer = new byte[MAX_RUN_PAGES * GuestLayout.PAGE_BYTES];
        private long first = -1;
        private int count;

        RunReader(SlotSnapshot slot, long[] written) {
            this.slot = slot;
            this.written = written;
        }

        /** Where {@code page} (one the guest wrote) is in the buffer, after reading its run if it is not there. */
        int offsetOf(long page) {
            if (first < 0 || page < first || page >= first + count) {
                int run = 1;
                while (run < MAX_RUN_PAGES && page + run < slot.pages() && PageBitmap.get(written, page + run)) {
                    run++;
                }
                slot.readPages(page, run, buffer);
                first = page;
                count = run;
            }
            return (int) (page - first) * GuestLayout.PAGE_BYTES;
        }

        /** A copy of the page if it differs from the golden state, else null. */
        byte[] differingCopy(long page) {
            if (!slot.differsFromGolden(page)) {
                return null;
            }
            if (!PageBitmap.get(written, page)) {
                byte[] copy = new byte[GuestLayout.PAGE_BYTES];
                slot.readPages(page, 1, copy);
                return copy;
            }
            int at = offsetOf(page);
            return Arrays.copyOfRange(buffer, at, at + GuestLayout.PAGE_BYTES);
        }
    }

    /**
     * Writes the pages into {@code slot} (whose next restore copies them back), a run of consecutive pages at a time;
     * the slot checks every page number.
     */
    public void writeTo(SlotSnapshot slot) {
        byte[] run = new byte[Math.min(numbers.length, RunReader.MAX_RUN_PAGES) * GuestLayout.PAGE_BYTES];
        for (int i = 0; i < numbers.length;) {
            int length = 1;
            while (i + length < numbers.length && length < RunReader.MAX_RUN_PAGES && numbers[i + length] == numbers[i] + length) {
                length++;
            }
            for (int j = 0; j < length; j++) {
                System.arraycopy(pages[i + j], 0, run, j * GuestLayout.PAGE_BYTES, GuestLayout.PAGE_BYTES);
            }
            slot.writePages(numbers[i], length, run);
            i += length;
        }
    }

    private int indexOf(long page) {
        return Arrays.binarySearch(numbers, page);
    }

    public long[] numbers() {
        return numbers.clone();
    }

    /** A copy of the {@code index}th page. */
    public byte[] page(int index) {
        return pages[index].clone();
    }

    public int count() {
        return numbers.length;
    }

    public long bytes() {
        return (long) numbers.length * GuestLayout.PAGE_BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotPages other && Arrays.equals(numbers, other.numbers) && Arrays.deepEquals(pages, other.pages);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(numbers);
    }

    @Override
    public String toString() {
        return "SlotPages[" + numbers.length + " pages]";
    }
}
