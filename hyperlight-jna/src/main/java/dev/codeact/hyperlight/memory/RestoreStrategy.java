package dev.codeact.hyperlight.memory;

/** How a VM's writable memory goes back to its snapshot after an execution. */
public enum RestoreStrategy {
    /**
     * Copy the golden contents back over the pages KVM's dirty log names. Pages stay mapped and warm, which is
     * what nested virtualisation (where every page fault is expensive) favours. The default.
     */
    DIRTY_PAGE_COPY,
    /**
     * Guest memory is a private copy-on-write mapping of a memfd holding the golden image; restoring drops the
     * dirty pages with madvise, and the next access faults the golden page back in. No copying by the host, but
     * a fault per page the next execution touches.
     */
    COPY_ON_WRITE
}
