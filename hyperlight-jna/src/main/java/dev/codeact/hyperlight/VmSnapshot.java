package dev.codeact.hyperlight;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.elf.ElfImage;
import dev.codeact.hyperlight.kvm.KvmVm;
import dev.codeact.hyperlight.memory.BootedImage;
import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.PageRunBuffers;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import dev.codeact.hyperlight.memory.SlotPages;
import dev.codeact.hyperlight.memory.SlotSnapshot;
import java.util.OptionalLong;

/**
 * The state a micro-VM goes back to before each execution: its writable memory as the guest left it at the end of
 * its boot. Two dirty-logged slots are kept, each by a {@link SlotSnapshot}: the data slot (the image's data, the
 * mailbox and thread block, the I/O buffers, the heap) and the stack slot. The read-only low region (page tables,
 * system tables) needs no snapshot. KVM logs the pages the guest writes; what the host writes itself (the image's
 * data at boot, the mailbox, the program and replies in the IN buffer) it does not log, so those ranges are
 * captured and restored by address. Used under the VM's lock, on the thread that runs the VM.
 */
final class VmSnapshot implements AutoCloseable {
    private final GuestLayout layout;
    private final KvmVm vm;
    private final SlotSnapshot data;
    private final SlotSnapshot stack;
    private final VmCounters counters;
    /** How much of the IN buffer the host has written since the last restore (programs, host-call replies). */
    private long hostWrittenInBytes;
    private boolean dirty;
    /** Made at the first session step: a VM that runs no session does without. */
    private PageRunBuffers runBuffers;

    private VmSnapshot(GuestLayout layout, KvmVm vm, SlotSnapshot data, SlotSnapshot stack, VmCounters counters) {
        this.layout = layout;
        this.vm = vm;
        this.data = data;
        this.stack = stack;
        this.counters = counters;
    }

    /** Empty golden copies for a VM about to boot its guest; {@link #capture} fills them once it has. */
    static VmSnapshot beforeBoot(KvmVm vm, Pointer memory, GuestLayout layout, RestoreStrategy strategy, VmCounters counters) {
        SlotSnapshot data = new SlotSnapshot(GuestLayout.SLOT_DATA, memory.share(layout.rwStart()), layout.dataSlotBytes(),
                strategy);
        try {
            return new VmSnapshot(layout, vm, data, new SlotSnapshot(GuestLayout.SLOT_STACK, memory.share(layout.stackBottom()),
                    layout.stackSlotBytes(), strategy), counters);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /**
     * The snapshot of another VM of this image and layout, right after its boot: this VM's memory maps the booted
     * pages and they are its golden copy. KVM has logged nothing yet, so the first restore copies only what the
     * first execution wrote.
     */
    static VmSnapshot ofBooted(KvmVm vm, Pointer memory, GuestLayout layout, RestoreStrategy strategy, BootedImage booted,
            VmCounters counters) {
        SlotSnapshot data = SlotSnapshot.fromImage(GuestLayout.SLOT_DATA, memory.share(layout.rwStart()), strategy,
                booted.data(), vm);
        try {
            return new VmSnapshot(layout, vm, data, SlotSnapshot.fromImage(GuestLayout.SLOT_STACK,
                    memory.share(layout.stackBottom()), strategy, booted.stack(), vm), counters);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /**
     * Right after the boot: the pages the guest wrote (KVM's log) and the ranges the host wrote before it (the
     * image's writable segments, the mailbox and thread block) become the golden state.
     */
    void capture(ElfImage elf) {
        long dataOffset = layout.rwStart();
        long[] hostWritten = new long[elf.segments().size() * 2 + 4];
        int i = 0;
        for (ElfImage.Segment s : elf.segments()) {
            if (s.writable()) {
                hostWritten[i++] = s.address() - dataOffset;
                hostWritten[i++] = s.memoryBytes();
            }
        }
        hostWritten[i++] = layout.mailboxAddress() - dataOffset;
        hostWritten[i++] = GuestLayout.MAILBOX_BYTES + GuestLayout.TLS_BYTES;
        data.capture(vm, java.util.Arrays.copyOf(hostWritten, i));
        stack.capture(vm, new long[0]);
    }

    /** The golden state as other VMs of this image and layout can start from it. */
    BootedImage booted(long heapHighWaterBytes, long tscPerMs) {
        return new BootedImage(data.image(), stack.image(), heapHighWaterBytes, tscPerMs);
    }

    /** An execution is about to write: the next use restores first. */
    void markDirty() {
        dirty = true;
    }

    boolean dirty() {
        return dirty;
    }

    /** The host wrote {@code bytes} at the start of the IN buffer, which KVM does not log. */
    void hostWroteIn(long bytes) {
        hostWrittenInBytes = Math.max(hostWrittenInBytes, bytes);
    }

    /** Brings memory back to the golden state if an execution has run since the last restore. */
    void restore() {
        if (!dirty) {
            return;
        }
        long started = System.nanoTime();
        int pages = data.restore(vm) + stack.restore(vm);
        long mailboxOffset = layout.mailboxAddress() - layout.rwStart();
        data.restoreRange(mailboxOffset, GuestLayout.MAILBOX_BYTES + GuestLayout.TLS_BYTES);
        if (hostWrittenInBytes > 0) {
            data.restoreRange(layout.inAddress() - layout.rwStart(), hostWrittenInBytes);
            hostWrittenInBytes = 0;
        }
        dirty = false;
        counters.restores++;
        counters.restoredPages += pages;
        counters.restoreNanos += System.nanoTime() - started;
    }

    /**
     * Writes a session's pages over memory just restored to the golden state. The host's writes are not logged by KVM;
     * the slots keep them, and the next restore copies them back like the guest's own.
     */
    void apply(SessionState session) {
        dirty = true;
        session.data().writeTo(data);
        session.stack().writeTo(stack);
    }

    /**
     * The pages that differ from the golden state now: of the data slot, and of the stack slot when {@code withStack}
     * (a program stopped in the middle of a call needs its stack; one that ended starts afresh from the top). The
     * mailbox and thread block are looked at too, since the host writes there without KVM's log. Pages of
     * {@code previous} (written over the memory since the restore) that the guest did not write are shared with it.
     *
     * @throws SlotPages.OverBudgetException when they would take more than {@code maxBytes}
     */
    SlotPages[] changedPages(SessionState previous, boolean withStack, long maxBytes) {
        long[] hostWritten = {layout.mailboxAddress() - layout.rwStart(), GuestLayout.MAILBOX_BYTES + GuestLayout.TLS_BYTES};
        SlotPages dataPages = SlotPages.changed(data, vm, previous.data(), hostWritten, maxBytes, runBuffers());
        try {
            SlotPages stackPages = withStack ? SlotPages.changed(stack, vm, previous.stack(), new long[0],
                    maxBytes - dataPages.bytes(), runBuffers())
                    : SlotPages.NONE;
            return new SlotPages[] {dataPages, stackPages};
        } catch (SlotPages.OverBudgetException e) {
            throw new SlotPages.OverBudgetException(dataPages.bytes() + e.bytes());
        }
    }

    private PageRunBuffers runBuffers() {
        if (runBuffers == null) {
            runBuffers = new PageRunBuffers();
        }
        return runBuffers;
    }

    /** Restores, then the guest address of the first writable page that differs from the golden state, if any. */
    OptionalLong firstAddressDiffering() {
        restore();
        OptionalLong inData = data.firstDifferenceFromGolden();
        if (inData.isPresent()) {
            return OptionalLong.of(layout.rwStart() + inData.getAsLong());
        }
        OptionalLong inStack = stack.firstDifferenceFromGolden();
        return inStack.isPresent() ? OptionalLong.of(layout.stackBottom() + inStack.getAsLong()) : inStack;
    }

    /** Pages the guest may write between two restores without a dirty-log fault. */
    int writablePages() {
        return data.writablePages() + stack.writablePages();
    }

    /** Resident bytes of the golden copies (shared with the other VMs of the image and layout). */
    long goldenResidentBytes() {
        return data.residentBytes() + stack.residentBytes();
    }

    @Override
    public void close() {
        stack.close();
        data.close();
    }
}
