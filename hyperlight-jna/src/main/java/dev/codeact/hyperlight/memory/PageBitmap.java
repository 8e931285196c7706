package dev.codeact.hyperlight.memory;

/** Sets of pages as bitmaps of 64-bit words, one bit per page, as KVM's dirty log has them. */
public final class PageBitmap {
    private PageBitmap() {
    }

    /** Receives runs of pages as byte offset and length. */
    public interface RunConsumer {
        void accept(long offset, long length);
    }

    public static void set(long[] words, long page) {
        words[(int) (page >>> 6)] |= 1L << (page & 63);
    }

    public static boolean get(long[] words, long page) {
        return (words[(int) (page >>> 6)] & (1L << (page & 63))) != 0;
    }

    public static int count(long[] words) {
        int count = 0;
        for (long w : words) {
            count += Long.bitCount(w);
        }
        return count;
    }

    /** Each run of consecutive set pages below {@code pages}, in order. */
    public static void forEachRun(long[] words, int pages, RunConsumer consumer) {
        int runStart = -1;
        for (int w = 0; w < words.length; w++) {
            long bits = words[w];
            if (runStart < 0 ? bits == 0 : bits == -1L) {
                continue; // nothing starts or ends in this word
            }
            for (int b = 0; b < 64; b++) {
                int page = w * 64 + b;
                if (page >= pages) {
                    break;
                }
                boolean set = (bits & (1L << b)) != 0;
                if (set && runStart < 0) {
                    runStart = page;
                } else if (!set && runStart >= 0) {
                    consumer.accept((long) runStart * GuestLayout.PAGE_BYTES, (long) (page - runStart) * GuestLayout.PAGE_BYTES);
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) {
            consumer.accept((long) runStart * GuestLayout.PAGE_BYTES, (long) (pages - runStart) * GuestLayout.PAGE_BYTES);
        }
    }
}
