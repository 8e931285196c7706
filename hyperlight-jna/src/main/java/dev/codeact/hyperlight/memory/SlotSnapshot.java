package dev.codeact.hyperlight.memory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.codeact.hyperlight.kvm.KvmVm;
import dev.codeact.hyperlight.kvm.LibC;

/**
 * Snapshot and restore of one dirty-logged memory slot. The golden copy lives in a sparse anonymous
 * mapping, so pages the guest never wrote cost no memory; a restore copies back only the pages KVM
 * reports dirty since the last one. On nested KVM page faults are dear and copies cheap, which is
 * why this beats dropping pages with madvise there.
 */
public final class SlotSnapshot implements AutoCloseable {
    private final int slot;
    private final Pointer slotMemory;
    private final long slotBytes;
    private final int pages;
    private final Memory dirtyBitmap;
    private final Pointer golden;
    private final RestoreStrategy strategy;
    /** The memfd behind the golden copy (copy-on-write strategy), or -1. */
    private final int goldenFd;
    private boolean copyOnWrite;
    private boolean closed;

    public SlotSnapshot(int slot, Pointer slotMemory, long slotBytes) {
        this(slot, slotMemory, slotBytes, RestoreStrategy.DIRTY_PAGE_COPY);
    }

    public SlotSnapshot(int slot, Pointer slotMemory, long slotBytes, RestoreStrategy strategy) {
        this.slot = slot;
        this.slotMemory = slotMemory;
        this.slotBytes = slotBytes;
        this.strategy = strategy;
        this.pages = (int) (slotBytes / GuestLayout.PAGE_BYTES);
        this.dirtyBitmap = new Memory(((pages + 63L) / 64) * 8);
        if (strategy == RestoreStrategy.COPY_ON_WRITE) {
            goldenFd = LibC.memfdCreate("codeact-golden-slot-" + slot);
            LibC.ftruncate(goldenFd, slotBytes);
            golden = LibC.mmapOrThrow(slotBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, goldenFd);
        } else {
            goldenFd = -1;
            golden = LibC.mmapOrThrow(slotBytes, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1);
        }
    }

    /**
     * Records the current contents as the golden state: every page the guest dirtied since the slot was
     * created, plus the host-written ranges given (the image's data, the mailbox), which KVM does not log.
     */
    public void capture(KvmVm vm, long[] hostWrittenRanges) {
        vm.fetchDirtyLog(slot, dirtyBitmap);
        forEachDirtyRun((offset, length) -> LibC.memcpy(golden.share(offset), slotMemory.share(offset), length));
        for (int i = 0; i + 1 < hostWrittenRanges.length; i += 2) {
            long offset = GuestLayout.alignDown(hostWrittenRanges[i]);
            long end = Math.min(slotBytes, GuestLayout.alignUp(hostWrittenRanges[i] + hostWrittenRanges[i + 1]));
            if (offset >= 0 && offset < end) {
                LibC.memcpy(golden.share(offset), slotMemory.share(offset), end - offset);
            }
        }
        if (strategy == RestoreStrategy.COPY_ON_WRITE) {
            // From now on the guest sees a private copy-on-write view of the golden file.
            LibC.mmapFixed(slotMemory, slotBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE, goldenFd);
            copyOnWrite = true;
        }
    }

    /** Copies the golden contents back over every page the guest wrote since the last capture or restore. */
    public int restore(KvmVm vm) {
        vm.fetchDirtyLog(slot, dirtyBitmap);
        int[] restoredPages = {0};
        forEachDirtyRun((offset, length) -> {
            if (copyOnWrite) {
                LibC.madvise(slotMemory.share(offset), length, LibC.MADV_DONTNEED);
            } else {
                LibC.memcpy(slotMemory.share(offset), golden.share(offset), length);
            }
            restoredPages[0] += (int) (length / GuestLayout.PAGE_BYTES);
        });
        return restoredPages[0];
    }

    /** Copies golden contents back over a range the host itself wrote (KVM does not log host writes). */
    public void restoreRange(long offset, long length) {
        long start = GuestLayout.alignDown(offset);
        long end = Math.min(slotBytes, GuestLayout.alignUp(offset + length));
        if (start < end) {
            if (copyOnWrite) {
                LibC.madvise(slotMemory.share(start), end - start, LibC.MADV_DONTNEED);
            } else {
                LibC.memcpy(slotMemory.share(start), golden.share(start), end - start);
            }
        }
    }

    private interface RunConsumer {
        void accept(long offset, long length);
    }

    private void forEachDirtyRun(RunConsumer consumer) {
        int runStart = -1;
        int words = (pages + 63) / 64;
        for (int w = 0; w < words; w++) {
            long bits = dirtyBitmap.getLong(w * 8L);
            if (bits == 0 && runStart < 0) {
                continue;
            }
            for (int b = 0; b < 64; b++) {
                int page = w * 64 + b;
                if (page >= pages) {
                    break;
                }
                boolean dirty = (bits & (1L << b)) != 0;
                if (dirty && runStart < 0) {
                    runStart = page;
                } else if (!dirty && runStart >= 0) {
                    consumer.accept((long) runStart * GuestLayout.PAGE_BYTES, (long) (page - runStart) * GuestLayout.PAGE_BYTES);
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) {
            consumer.accept((long) runStart * GuestLayout.PAGE_BYTES, (long) (pages - runStart) * GuestLayout.PAGE_BYTES);
        }
    }

    /** Memory the golden copy holds: only the pages the guest wrote before the snapshot. */
    public long residentBytes() {
        return LibC.residentBytes(golden, slotBytes);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.munmap(golden, slotBytes);
            if (goldenFd >= 0) {
                LibC.close(goldenFd);
            }
        }
    }
}
