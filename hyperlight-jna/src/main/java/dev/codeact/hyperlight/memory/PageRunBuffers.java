package dev.codeact.hyperlight.memory;

/**
 * Two buffers of a run of up to {@link #MAX_RUN_PAGES} pages, through which a VM reads the pages a session's program
 * may have changed, and their golden state, to compare them in Java (one call into native memory a run, rather than one
 * a page). One VM keeps one, made at its first session step, and uses it under its lock like its slots. Kept rather than made for each step: a fresh array of this
 * size cost about 120 us on nested KVM (the JVM's heap pages behind it are faulted in as it is zeroed), more than the
 * rest of taking a small session's state.
 */
public final class PageRunBuffers {
    public static final int MAX_RUN_PAGES = 64;

    /** A run of the slot's memory. */
    final byte[] memory = new byte[MAX_RUN_PAGES * GuestLayout.PAGE_BYTES];
    /** The same run of the slot's golden state. */
    final byte[] golden = new byte[MAX_RUN_PAGES * GuestLayout.PAGE_BYTES];
}
