package dev.codeact.hyperlight.memory;

import dev.codeact.hyperlight.SandboxSizes;

/**
 * Sizes of the guest's memory regions, fixed when a VM is created.
 *
 * @param heapBytes the guest heap, which holds every JavaScript value; the memory limit of one execution
 *     must stay below it
 * @param stackBytes the native stack of the guest
 * @param inBufferBytes host-to-guest buffer: the program text and each host-call reply must fit
 * @param outBufferBytes guest-to-host buffer: each host-call request and the final outcome must fit
 * @param logBufferBytes console output is batched here and flushed to the host when full
 */
public record GuestMemorySizes(long heapBytes, long stackBytes, int inBufferBytes, int outBufferBytes, int logBufferBytes) {
    public static final long DEFAULT_HEAP_BYTES = 112L << 20;
    public static final long DEFAULT_STACK_BYTES = 1L << 20;
    public static final int DEFAULT_IN_BUFFER_BYTES = SandboxSizes.DEFAULT_PROGRAM_BYTES;
    public static final int DEFAULT_OUT_BUFFER_BYTES = SandboxSizes.DEFAULT_OUTCOME_BYTES;
    public static final int DEFAULT_LOG_BUFFER_BYTES = 64 << 10;
    /**
     * Heap above an execution's memory limit: what booting the runtime touched (~33 MiB, nearly all of it Intl's
     * data and what FormatJS builds from it, see the README) and room for the allocator's rounding.
     */
    public static final long HEAP_HEADROOM_BYTES = 48L << 20;

    public GuestMemorySizes {
        if (heapBytes < (8L << 20)) {
            throw new IllegalArgumentException("heapBytes must be at least 8 MiB, was " + heapBytes);
        }
        if (stackBytes < (64L << 10)) {
            throw new IllegalArgumentException("stackBytes must be at least 64 KiB, was " + stackBytes);
        }
        if (inBufferBytes < 4096 || outBufferBytes < 4096 || logBufferBytes < 4096) {
            throw new IllegalArgumentException("IN, OUT and LOG buffers must be at least 4 KiB each");
        }
    }

    public static GuestMemorySizes defaults() {
        return new GuestMemorySizes(DEFAULT_HEAP_BYTES, DEFAULT_STACK_BYTES, DEFAULT_IN_BUFFER_BYTES,
                DEFAULT_OUT_BUFFER_BYTES, DEFAULT_LOG_BUFFER_BYTES);
    }

    /** The default sizes with a heap large enough for executions of up to {@code memoryLimitBytes}. */
    public static GuestMemorySizes forMemoryLimit(long memoryLimitBytes) {
        return defaults().withHeapBytes(Math.max(DEFAULT_HEAP_BYTES, memoryLimitBytes + HEAP_HEADROOM_BYTES));
    }

    public GuestMemorySizes withHeapBytes(long bytes) {
        return new GuestMemorySizes(bytes, stackBytes, inBufferBytes, outBufferBytes, logBufferBytes);
    }
}
