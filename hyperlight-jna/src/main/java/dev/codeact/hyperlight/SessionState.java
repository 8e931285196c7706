package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.SlotPages;
import java.util.Optional;

/**
 * What a session keeps between its executions: the guest memory its programs changed relative to the booted image
 * (whole pages of the data slot: the language runtime's heap with the global object, and of the stack when the
 * program is suspended), plus, for a program suspended at a host call ({@link SuspendCall}), the vCPU's registers and
 * the pending call. A VM of the pool restores its booted image, then writes these pages over it, and the next program
 * finds the previous one's globals; a VM that runs no session never sees any of it.
 *
 * <p>A state belongs to one guest image (by content key) and one memory layout, and is refused by any other
 * ({@link SessionStateException}). It is immutable; {@link SessionStateCodec} turns it into bytes for a store.
 */
public final class SessionState {
    /** A call the program made and is waiting on: what the host function was asked. */
    public record PendingCall(String name, String argumentsJson, String reason) {
    }

    /** kvm_regs and kvm_fpu, as {@link dev.codeact.hyperlight.kvm.KvmVcpu#saveRegisters()} saves them. */
    static final int REGISTER_BYTES = dev.codeact.hyperlight.kvm.KvmApi.REGS_BYTES + dev.codeact.hyperlight.kvm.KvmApi.FPU_BYTES;

    private final String imageKey;
    private final GuestLayout layout;
    private final SlotPages data;
    private final SlotPages stack;
    private final byte[] registers;
    private final PendingCall pendingCall;
    private final int hostCalls;

    SessionState(String imageKey, GuestLayout layout, SlotPages data, SlotPages stack, byte[] registers,
            PendingCall pendingCall, int hostCalls) {
        if ((pendingCall == null) != (registers.length == 0)) {
            throw new IllegalArgumentException("registers go with a pending call, and only with one");
        }
        if (registers.length != 0 && registers.length != REGISTER_BYTES) {
            throw new IllegalArgumentException("saved registers are " + REGISTER_BYTES + " bytes, not " + registers.length);
        }
        this.imageKey = imageKey;
        this.layout = layout;
        this.data = data;
        this.stack = stack;
        this.registers = registers;
        this.pendingCall = pendingCall;
        this.hostCalls = hostCalls;
    }

    /** A session that has run nothing yet, for VMs of {@code image} in {@code layout}. */
    public static SessionState initial(GuestImage image, GuestLayout layout) {
        return new SessionState(image.contentKey(), layout, SlotPages.NONE, SlotPages.NONE, new byte[0], null, 0);
    }

    /** The content key of the guest image the state was taken on. */
    public String imageKey() {
        return imageKey;
    }

    public GuestLayout layout() {
        return layout;
    }

    public SlotPages data() {
        return data;
    }

    public SlotPages stack() {
        return stack;
    }

    /** The vCPU's registers (kvm_regs, then kvm_fpu) where the program is suspended; empty otherwise. */
    public byte[] registers() {
        return registers.clone();
    }

    byte[] registersUnsafe() {
        return registers;
    }

    /** The host call the program is suspended at, if it is. */
    public Optional<PendingCall> pendingCall() {
        return Optional.ofNullable(pendingCall);
    }

    public boolean suspended() {
        return pendingCall != null;
    }

    /** Host calls the suspended execution had made, so that its limit counts on across the suspension. */
    public int hostCalls() {
        return hostCalls;
    }

    /** What the state holds: its pages and registers (the bound {@code max-bytes} applies to this). */
    public long sizeBytes() {
        return data.bytes() + stack.bytes() + registers.length;
    }

    /**
     * Refuses the state, whole and before anything runs, unless it was taken on the image and in the layout of
     * {@code pristine} (a pool's {@code newSession()}) and holds at most {@code maxBytes}: what a resume would check,
     * for a caller that must know before it does anything else (answers the suspended call on its behalf, say).
     *
     * @throws SessionStateException OTHER_IMAGE, OTHER_LAYOUT or TOO_LARGE
     */
    public void checkFits(SessionState pristine, long maxBytes) {
        checkFits(pristine.imageKey, pristine.layout, maxBytes);
    }

    /** As {@link #checkFits(SessionState, long)}, against a VM's image key and layout. */
    void checkFits(String image, GuestLayout vmLayout, long maxBytes) {
        if (!imageKey.equals(image)) {
            throw new SessionStateException(SessionStateException.Reason.OTHER_IMAGE, "the session state was taken on guest image "
                    + imageKey + ", this VM runs " + image);
        }
        if (!layout.equals(vmLayout)) {
            throw new SessionStateException(SessionStateException.Reason.OTHER_LAYOUT,
                    "the session state was taken on a VM of another memory layout");
        }
        if (sizeBytes() > maxBytes) {
            throw tooLarge(sizeBytes(), maxBytes, null);
        }
    }

    static SessionStateException tooLarge(long bytes, long maxBytes, ExecutionResult result) {
        return new SessionStateException(SessionStateException.Reason.TOO_LARGE, "the session state is " + bytes
                + " bytes, the limit is " + maxBytes + " bytes", result);
    }

    @Override
    public String toString() {
        return "SessionState[" + data.count() + " data pages, " + stack.count() + " stack pages"
                + (pendingCall == null ? "" : ", suspended at " + pendingCall.name()) + ", " + sizeBytes() + " bytes]";
    }
}
