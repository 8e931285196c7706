package dev.codeact.hyperlight.memory;

import dev.codeact.hyperlight.kvm.KvmVm;
import java.util.Arrays;

/**
 * Whole pages of one memory slot, by page number within the slot: what a session keeps of a VM's memory, the pages
 * that differ from the golden (booted) state. Immutable: the arrays are never handed out.
 *
 * @param numbers page numbers within the slot, ascending and distinct
 * @param contents the pages' bytes, {@link GuestLayout#PAGE_BYTES} each, in the order of {@code numbers}
 */
public record SlotPages(long[] numbers, byte[] contents) {
    public static final SlotPages NONE = new SlotPages(new long[0], new byte[0]);

    public SlotPages {
        if ((long) numbers.length * GuestLayout.PAGE_BYTES != contents.length) {
            throw new IllegalArgumentException(numbers.length + " pages need " + (long) numbers.length * GuestLayout.PAGE_BYTES
                    + " bytes, not " + contents.length);
        }
        for (int i = 1; i < numbers.length; i++) {
            if (numbers[i] <= numbers[i - 1]) {
                throw new IllegalArgumentException("page numbers must be ascending and distinct");
            }
        }
        if (numbers.length > 0 && numbers[0] < 0) {
            throw new IllegalArgumentException("page numbers must not be negative");
        }
    }

    /** Thrown before any page is copied when the changed pages would pass the byte budget. */
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
     * The pages of {@code slot} that differ from its golden state now: of those written since the last restore (by the
     * guest, as KVM logged them, or by the host) and those of {@code alsoConsider} (page ranges as offset, length pairs
     * the host wrote without telling the slot), only the ones whose bytes really differ.
     *
     * @throws OverBudgetException when they would take more than {@code maxBytes}
     */
    public static SlotPages changed(SlotSnapshot slot, KvmVm vm, long[] alsoConsider, long maxBytes) {
        long[] candidates = slot.pagesWrittenSinceRestore(vm);
        for (int i = 0; i + 1 < alsoConsider.length; i += 2) {
            for (long p = alsoConsider[i] / GuestLayout.PAGE_BYTES; p * GuestLayout.PAGE_BYTES < alsoConsider[i] + alsoConsider[i + 1]; p++) {
                candidates[(int) (p >>> 6)] |= 1L << (p & 63);
            }
        }
        long[] changed = new long[countBits(candidates)];
        int n = 0;
        for (int w = 0; w < candidates.length; w++) {
            for (long bits = candidates[w]; bits != 0; bits &= bits - 1) {
                long page = w * 64L + Long.numberOfTrailingZeros(bits);
                if (page < slot.pages() && slot.differsFromGolden(page)) {
                    changed[n++] = page;
                }
            }
        }
        long bytes = (long) n * GuestLayout.PAGE_BYTES;
        if (bytes > maxBytes) {
            throw new OverBudgetException(bytes);
        }
        byte[] contents = new byte[(int) bytes];
        for (int i = 0; i < n; i++) {
            slot.readPage(changed[i], contents, i * GuestLayout.PAGE_BYTES);
        }
        return new SlotPages(Arrays.copyOf(changed, n), contents);
    }

    /** Writes the pages into {@code slot} (whose next restore copies them back); the slot checks every page number. */
    public void writeTo(SlotSnapshot slot) {
        if (numbers.length > 0 && numbers[numbers.length - 1] >= slot.pages()) {
            throw new IndexOutOfBoundsException("page " + numbers[numbers.length - 1] + " is outside the slot's "
                    + slot.pages() + " pages");
        }
        for (int i = 0; i < numbers.length; i++) {
            slot.writePage(numbers[i], contents, i * GuestLayout.PAGE_BYTES);
        }
    }

    @Override
    public long[] numbers() {
        return numbers.clone();
    }

    @Override
    public byte[] contents() {
        return contents.clone();
    }

    public int count() {
        return numbers.length;
    }

    public long bytes() {
        return contents.length;
    }

    private static int countBits(long[] words) {
        int count = 0;
        for (long w : words) {
            count += Long.bitCount(w);
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotPages other && Arrays.equals(numbers, other.numbers) && Arrays.equals(contents, other.contents);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(numbers) + Arrays.hashCode(contents);
    }

    @Override
    public String toString() {
        return "SlotPages[" + numbers.length + " pages]";
    }
}
