package dev.codeact.hyperlight.memory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.codeact.hyperlight.kvm.KvmVm;
import dev.codeact.hyperlight.kvm.LibC;
import java.util.OptionalLong;

/**
 * Snapshot and restore of one dirty-logged memory slot. The golden copy lives in a sparse anonymous
 * mapping, so pages the guest never wrote cost no memory; a restore copies back only the pages KVM
 * reports dirty since the last one. On nested KVM page faults are dear and copies cheap, which is
 * why this beats dropping pages with madvise there.
 *
 * <p>Where KVM offers manual dirty-log protection, pages the guest wrote stay writable after a restore
 * (up to {@link #STICKY_PAGE_BUDGET}): KVM keeps their dirty bits set until they are cleared, so every
 * restore still sees and copies them, and the next execution writes them without a write-protection
 * fault. A trivial program dirties the same few dozen pages every time; each such fault costs 2.4-5 us
 * on nested KVM, copying the page back about 0.07 us.
 */
public final class SlotSnapshot implements AutoCloseable {
    /** Most pages left writable between restores: 1 MiB, about 16 us of copying per restore at worst. */
    public static final int STICKY_PAGE_BUDGET = 256;
    /** Every this many restores all pages are protected again, so pages the guest no longer writes drop out. */
    public static final int RELEARN_EVERY_RESTORES = 64;
    private static final Pointer ZEROS = LibC.mmapOrThrow(GuestLayout.PAGE_BYTES, LibC.PROT_READ,
            LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1);

    private final int slot;
    private final Pointer slotMemory;
    private final long slotBytes;
    private final int pages;
    private final int words;
    private final Memory dirtyBitmap;
    private final long[] dirtyWords;
    private final Memory protectBitmap;
    /** Pages the host wrote since the last restore (KVM logs only the guest's writes); the restore copies them back. */
    private final long[] hostWrittenWords;
    /** Pages KVM logged that a capture read since the last restore, in case reading the log cleared it. */
    private final long[] loggedWords;
    /** At a restore, the pages KVM logged (the guest's writes, not the host's): the only ones that can be left writable. */
    private final long[] guestDirtyWords;
    /** Pages the next restore write-protects even where the sticky budget would leave them writable. */
    private final long[] unstickWords;
    /** Pages a restore write-protected that way (since the last relearning), which the guest may have written since. */
    private final long[] unstuckWords;
    /** Pages the guest wrote after they were write-protected that way: left writable until the next relearning. */
    private final long[] rewrittenWords;
    private final long[] protectWords;
    private final Pointer golden;
    private final RestoreStrategy strategy;
    /** The memfd behind the golden copy, which other VMs of the same image can map as theirs ({@link #image()}). */
    private final int goldenFd;
    /** Page runs (offset, length, ...) the golden copy holds; everything else of the slot is zero. */
    private long[] goldenRuns = new long[0];
    /**
     * The pages those runs cover, one bit each. Restores and checks read the golden copy only there and write or
     * expect zeros elsewhere: reading a hole of a memfd would allocate a page for it, and grow every VM's shared
     * golden copy to the largest heap any execution ever used.
     */
    private long[] goldenPages = new long[0];
    private boolean copyOnWrite;
    private int restores;
    private int writablePages;
    private boolean closed;

    public SlotSnapshot(int slot, Pointer slotMemory, long slotBytes, RestoreStrategy strategy) {
        this(slot, slotMemory, slotBytes, strategy, newGoldenFile(slot, slotBytes), LibC.PROT_READ | LibC.PROT_WRITE);
    }

    private static int newGoldenFile(int slot, long slotBytes) {
        int fd = LibC.memfdCreate("codeact-golden-slot-" + slot);
        LibC.ftruncate(fd, slotBytes);
        return fd;
    }

    /** Takes {@code goldenFd} as its golden copy, mapped shared with {@code goldenProtection}. */
    private SlotSnapshot(int slot, Pointer slotMemory, long slotBytes, RestoreStrategy strategy, int goldenFd,
            int goldenProtection) {
        this.slot = slot;
        this.slotMemory = slotMemory;
        this.slotBytes = slotBytes;
        this.strategy = strategy;
        this.pages = (int) (slotBytes / GuestLayout.PAGE_BYTES);
        this.words = (pages + 63) / 64;
        this.dirtyBitmap = new Memory(words * 8L);
        this.dirtyWords = new long[words];
        this.protectBitmap = new Memory(words * 8L);
        this.protectWords = new long[words];
        this.hostWrittenWords = new long[words];
        this.loggedWords = new long[words];
        this.guestDirtyWords = new long[words];
        this.unstickWords = new long[words];
        this.unstuckWords = new long[words];
        this.rewrittenWords = new long[words];
        this.goldenFd = goldenFd;
        this.golden = LibC.mmapOrThrow(slotBytes, goldenProtection, LibC.MAP_SHARED, goldenFd);
    }

    /**
     * The golden contents of a slot, to start another VM of the same image and layout from without booting its
     * guest: a memfd (sparse: only the runs it lists were ever written) that each such VM maps as its own golden
     * copy, so the pages are shared by all of them.
     *
     * @param fd the memfd; owned by whoever holds the image
     * @param runs page runs as (offset, length) pairs
     */
    public record Image(int fd, long slotBytes, long[] runs) implements AutoCloseable {
        @Override
        public void close() {
            LibC.close(fd);
        }
    }

    private void setGoldenRuns(long[] runs) {
        goldenRuns = runs;
        goldenPages = new long[words];
        for (int i = 0; i + 1 < runs.length; i += 2) {
            for (long page = runs[i] / GuestLayout.PAGE_BYTES; page < (runs[i] + runs[i + 1]) / GuestLayout.PAGE_BYTES; page++) {
                goldenPages[(int) (page >>> 6)] |= 1L << (page & 63);
            }
        }
    }

    private boolean inGolden(long page) {
        return (goldenPages[(int) (page >>> 6)] & (1L << (page & 63))) != 0;
    }

    /**
     * Brings {@code [offset, offset + length)} back to the golden state: copied from the golden copy where it holds
     * pages, zeroed where it does not (it never reads the golden copy's holes).
     */
    private void copyBack(long slotAddress, long goldenAddress, long offset, long length) {
        long page = offset / GuestLayout.PAGE_BYTES;
        long end = (offset + length) / GuestLayout.PAGE_BYTES;
        while (page < end) {
            boolean golden = inGolden(page);
            long runEnd = page + 1;
            while (runEnd < end && inGolden(runEnd) == golden) {
                runEnd++;
            }
            long from = page * GuestLayout.PAGE_BYTES;
            long bytes = (runEnd - page) * GuestLayout.PAGE_BYTES;
            if (golden) {
                LibC.memcpy(slotAddress + from, goldenAddress + from, bytes);
            } else {
                LibC.memset(new Pointer(slotAddress + from), 0, bytes);
            }
            page = runEnd;
        }
    }

    /** This slot's golden contents as an {@link Image} with a descriptor of its own; call after {@link #capture}. */
    public Image image() {
        return new Image(LibC.dup(goldenFd), slotBytes, goldenRuns.clone());
    }

    /**
     * A slot that starts from {@code image} instead of a booted guest: the image's runs are copied into the slot's
     * memory (or, copy-on-write, the memory maps the image), and the image itself, mapped read-only, is the golden
     * copy. KVM has logged nothing yet, so the first restore copies only what the first execution wrote.
     */
    public static SlotSnapshot fromImage(int slot, Pointer slotMemory, RestoreStrategy strategy, Image image, KvmVm vm) {
        if (strategy == RestoreStrategy.COPY_ON_WRITE) {
            // The guest's memory maps the golden file itself, and a guest reading a hole would allocate a page in it:
            // such a VM gets a file of its own, filled from the image, as after a boot of its own.
            SlotSnapshot s = new SlotSnapshot(slot, slotMemory, image.slotBytes(), strategy);
            Pointer source = LibC.mmapOrThrow(image.slotBytes(), LibC.PROT_READ, LibC.MAP_SHARED, image.fd());
            try {
                for (int i = 0; i + 1 < image.runs().length; i += 2) {
                    LibC.memcpy(s.golden.share(image.runs()[i]), source.share(image.runs()[i]), image.runs()[i + 1]);
                }
            } finally {
                LibC.munmap(source, image.slotBytes());
            }
            LibC.mmapFixed(slotMemory, image.slotBytes(), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE, s.goldenFd);
            s.copyOnWrite = true;
            s.setGoldenRuns(image.runs().clone());
            return s;
        }
        // shares the image as its golden copy, read-only
        SlotSnapshot s = new SlotSnapshot(slot, slotMemory, image.slotBytes(), strategy, LibC.dup(image.fd()), LibC.PROT_READ);
        s.setGoldenRuns(image.runs().clone());
        s.mapGoldenRuns();
        return s;
    }

    /**
     * Maps the golden file's runs over the slot's memory, copy-on-write: nothing is copied now, the guest reads the
     * golden pages themselves, and a page is copied the first time the guest writes it (the holes stay anonymous:
     * reading one never reaches the golden file).
     */
    private void mapGoldenRuns() {
        for (int i = 0; i + 1 < goldenRuns.length; i += 2) {
            LibC.mmapFixed(slotMemory.share(goldenRuns[i]), goldenRuns[i + 1], LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE, goldenFd, goldenRuns[i]);
        }
    }

    /**
     * Records the current contents as the golden state: every page the guest dirtied since the slot was
     * created, plus the host-written ranges given (the image's data, the mailbox), which KVM does not log.
     */
    public void capture(KvmVm vm, long[] hostWrittenRanges) {
        fetchDirtyPages(vm);
        java.util.List<long[]> runs = new java.util.ArrayList<>();
        PageBitmap.forEachRun(dirtyWords, pages, (offset, length) -> {
            LibC.memcpy(golden.share(offset), slotMemory.share(offset), length);
            runs.add(new long[] {offset, length});
        });
        for (int i = 0; i + 1 < hostWrittenRanges.length; i += 2) {
            long offset = GuestLayout.alignDown(hostWrittenRanges[i]);
            long end = Math.min(slotBytes, GuestLayout.alignUp(hostWrittenRanges[i] + hostWrittenRanges[i + 1]));
            if (offset >= 0 && offset < end) {
                LibC.memcpy(golden.share(offset), slotMemory.share(offset), end - offset);
                runs.add(new long[] {offset, end - offset});
            }
        }
        setGoldenRuns(runs.stream().flatMapToLong(java.util.Arrays::stream).toArray());
        if (strategy == RestoreStrategy.COPY_ON_WRITE) {
            // From now on the guest sees a private copy-on-write view of the golden file.
            LibC.mmapFixed(slotMemory, slotBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE, goldenFd);
            copyOnWrite = true;
        } else {
            // The booted pages, now in the golden file, are mapped from it as later VMs of the image map them: one
            // copy of the booted heap in memory, not two, and this VM too holds only the pages it writes.
            mapGoldenRuns();
        }
        protectAgain(vm, dirtyWords, 0);
    }

    /** Copies the golden contents back over every page the guest wrote since the last capture or restore. */
    public int restore(KvmVm vm) {
        fetchDirtyPages(vm);
        for (int w = 0; w < words; w++) {
            guestDirtyWords[w] = dirtyWords[w] | loggedWords[w];
            dirtyWords[w] = guestDirtyWords[w] | hostWrittenWords[w];
            hostWrittenWords[w] = 0;
            loggedWords[w] = 0;
        }
        int[] restoredPages = {0};
        long slotAddress = Pointer.nativeValue(slotMemory);
        long goldenAddress = Pointer.nativeValue(golden);
        PageBitmap.forEachRun(dirtyWords, pages, (offset, length) -> {
            if (copyOnWrite) {
                LibC.madvise(slotMemory.share(offset), length, LibC.MADV_DONTNEED);
            } else {
                copyBack(slotAddress, goldenAddress, offset, length);
            }
            restoredPages[0] += (int) (length / GuestLayout.PAGE_BYTES);
        });
        restores++;
        // The pages the host wrote (a session's) are not in KVM's log, so they are neither writable nor counted.
        protectAgain(vm, guestDirtyWords, restores % RELEARN_EVERY_RESTORES == 0 ? 0 : STICKY_PAGE_BUDGET);
        return restoredPages[0];
    }

    /** Pages the guest may write right now without KVM noticing; each restore copies them back regardless. */
    public int writablePages() {
        return writablePages;
    }

    /** Copies golden contents back over a range the host itself wrote (KVM does not log host writes). */
    public void restoreRange(long offset, long length) {
        long start = GuestLayout.alignDown(offset);
        long end = Math.min(slotBytes, GuestLayout.alignUp(offset + length));
        if (start < end) {
            if (copyOnWrite) {
                LibC.madvise(slotMemory.share(start), end - start, LibC.MADV_DONTNEED);
            } else {
                copyBack(Pointer.nativeValue(slotMemory), Pointer.nativeValue(golden), start, end - start);
            }
        }
    }

    /**
     * Offset of the first page whose contents differ from the golden state (the golden copy where it holds pages,
     * zeros elsewhere), if any: a self-check for tests. It reads every page of the slot's memory.
     */
    public OptionalLong firstDifferenceFromGolden() {
        for (long page = 0; page < pages; page++) {
            if (differsFromGolden(page)) {
                return OptionalLong.of(page * GuestLayout.PAGE_BYTES);
            }
        }
        return OptionalLong.empty();
    }

    /** Whether the slot's page differs from its golden state (the golden copy's page, or zeros in a hole). */
    public boolean differsFromGolden(long page) {
        long offset = page * GuestLayout.PAGE_BYTES;
        Pointer expected = inGolden(page) ? golden.share(offset) : ZEROS;
        return LibC.memcmp(slotMemory.share(offset), expected, GuestLayout.PAGE_BYTES) != 0;
    }

    public int pages() {
        return pages;
    }

    /**
     * The pages KVM logged as written by the guest since the last restore, one bit each. Nothing is cleared: the next
     * restore copies them back all the same (where KVM clears its log as it reads it, the slot remembers them).
     */
    public long[] guestWrittenSinceRestore(KvmVm vm) {
        fetchDirtyPages(vm);
        for (int w = 0; w < words; w++) {
            loggedWords[w] |= dirtyWords[w];
        }
        return dirtyWords.clone();
    }

    /**
     * Tells the slot that {@code page}, which KVM logs as written, holds what it would hold had the guest not written it
     * (a session's page as the host wrote it, or the golden page): the next restore write-protects it even where the
     * sticky budget would leave it writable. A page left writable stays in the log whether the guest writes it again or
     * not, so each session step would read and compare it again (a blob made once, 1 MiB of pages on every later step).
     * Protected, it leaves the log until the guest does write it. A page the guest writes again after that (it faulted
     * once to do so) stays writable until the next relearning, so that a page the guest rewrites with the same bytes
     * at every execution does not fault at every one.
     */
    public void protectAtNextRestore(long page) {
        if (PageBitmap.get(unstuckWords, checkedPage(page))) {
            PageBitmap.set(rewrittenWords, page); // it was protected, and the log has it: the guest does write it
        } else {
            PageBitmap.set(unstickWords, page);
        }
    }

    /** The pages the host wrote ({@link #writePages}) since the last restore, one bit each. */
    public long[] hostWrittenSinceRestore() {
        return hostWrittenWords.clone();
    }

    /** Copies {@code count} consecutive pages of the slot from {@code first} into the start of {@code into}. */
    public void readPages(long first, int count, byte[] into) {
        checkedPage(first + count - 1);
        slotMemory.read(checkedPage(first) * GuestLayout.PAGE_BYTES, into, 0, count * GuestLayout.PAGE_BYTES);
    }

    /**
     * Copies the golden state of {@code count} consecutive pages from {@code first} into {@code into} at {@code offset}:
     * the golden copy's pages, zeros for its holes (which it never reads).
     */
    public void readGoldenPages(long first, int count, byte[] into, int offset) {
        checkedPage(first + count - 1);
        long page = checkedPage(first);
        long end = first + count;
        while (page < end) {
            boolean inGolden = inGolden(page);
            long runEnd = page + 1;
            while (runEnd < end && inGolden(runEnd) == inGolden) {
                runEnd++;
            }
            int at = offset + (int) (page - first) * GuestLayout.PAGE_BYTES;
            int bytes = (int) (runEnd - page) * GuestLayout.PAGE_BYTES;
            if (inGolden) {
                golden.read(page * GuestLayout.PAGE_BYTES, into, at, bytes);
            } else {
                java.util.Arrays.fill(into, at, at + bytes, (byte) 0);
            }
            page = runEnd;
        }
    }

    /**
     * Writes {@code count} consecutive pages from the start of {@code from} as the host, which KVM does not log: the
     * next restore copies them back all the same.
     */
    public void writePages(long first, int count, byte[] from) {
        checkedPage(first + count - 1);
        slotMemory.write(checkedPage(first) * GuestLayout.PAGE_BYTES, from, 0, count * GuestLayout.PAGE_BYTES);
        for (long page = first; page < first + count; page++) {
            PageBitmap.set(hostWrittenWords, page);
        }
    }

    private long checkedPage(long page) {
        if (page < 0 || page >= pages) {
            throw new IndexOutOfBoundsException("page " + page + " is outside the slot's " + pages + " pages");
        }
        return page;
    }

    private void fetchDirtyPages(KvmVm vm) {
        vm.fetchDirtyLog(slot, dirtyBitmap);
        dirtyBitmap.read(0, dirtyWords, 0, words);
    }

    /**
     * With manual protection, write-protects the pages of {@code logged} (pages in KVM's log) again except up to
     * {@code keepWritable} of them (whole 64-page words, lowest first, less the pages named by
     * {@link #protectAtNextRestore}); their bits stay set, so the next restore copies them too.
     */
    private void protectAgain(KvmVm vm, long[] logged, int keepWritable) {
        if (!vm.manualDirtyLogProtect()) {
            writablePages = 0;
            return;
        }
        int kept = 0;
        int first = -1;
        int last = -1;
        boolean relearning = keepWritable == 0;
        for (int w = 0; w < words; w++) {
            long bits = logged[w];
            long unstick = unstickWords[w] & ~rewrittenWords[w];
            unstickWords[w] = 0;
            if (relearning) {
                unstuckWords[w] = 0;
                rewrittenWords[w] = 0;
            }
            int count = Long.bitCount(bits & ~unstick);
            long protect = bits;
            if (count > 0 && kept + count <= keepWritable) {
                kept += count;
                protect = bits & unstick;
            }
            unstuckWords[w] |= protect & unstick;
            protectWords[w] = protect;
            if (protect != 0) {
                first = first < 0 ? w : first;
                last = w;
            }
        }
        writablePages = kept;
        if (first >= 0) {
            protectBitmap.write(0, protectWords, first, last - first + 1);
            long firstPage = first * 64L;
            int pageCount = (int) Math.min((last - first + 1) * 64L, pages - firstPage);
            vm.clearDirtyLog(slot, firstPage, pageCount, protectBitmap);
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
            LibC.close(goldenFd);
        }
    }
}
