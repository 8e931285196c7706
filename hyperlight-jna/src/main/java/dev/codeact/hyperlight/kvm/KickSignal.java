package dev.codeact.hyperlight.kvm;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The real-time signal that kicks a vCPU thread out of KVM_RUN. Its handler is a one-byte {@code ret}
 * in an executable page: a Java callback would run JVM code in signal context, and an ignored signal
 * would not interrupt KVM_RUN. HotSpot claims no real-time signal, so SIGRTMIN+offset is ours.
 */
public final class KickSignal {
    /** Offset from SIGRTMIN; override with -Dcodeact.kick-signal-offset=N if the process already uses it. */
    public static final int SIGNAL_OFFSET = Integer.getInteger("codeact.kick-signal-offset", 3);
    private static final byte X86_RET = (byte) 0xC3;
    private static volatile int installedSignal;

    private KickSignal() {
    }

    public static synchronized int install() {
        if (installedSignal != 0) {
            return installedSignal;
        }
        int signal = LibC.__libc_current_sigrtmin() + SIGNAL_OFFSET;
        Pointer stub = LibC.mmapOrThrow(4096, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1);
        stub.setByte(0, X86_RET);
        LibC.mprotect(stub, 4096, LibC.PROT_READ | LibC.PROT_EXEC);
        Memory action = new Memory(LibC.SIGACTION_BYTES);
        action.clear();
        action.setPointer(0, stub);
        LibC.sigaction(signal, action, null);
        installedSignal = signal;
        return signal;
    }

    /**
     * Makes sure the calling thread receives the kick: a thread that blocked it (some native code does) would
     * never be kicked out of KVM_RUN. Call it on every thread that will enter a guest, before it does.
     */
    public static void unblockOnCurrentThread() {
        changeMaskOfCurrentThread(LibC.SIG_UNBLOCK);
    }

    /** The opposite of {@link #unblockOnCurrentThread()}, for tests of what a thread with a blocked kick gets. */
    public static void blockOnCurrentThread() {
        changeMaskOfCurrentThread(LibC.SIG_BLOCK);
    }

    private static void changeMaskOfCurrentThread(int how) {
        int signal = install();
        Memory set = new Memory(LibC.SIGSET_BYTES);
        set.clear();
        int bit = signal - 1;
        set.setByte(bit / 8, (byte) (1 << (bit % 8)));
        int error = LibC.pthread_sigmask(how, set, null);
        if (error != 0) {
            throw new IllegalStateException("pthread_sigmask failed: " + error);
        }
    }

    /** Sends the kick to one OS thread of this process. */
    public static void send(int threadId) {
        LibC.syscall(LibC.SYS_TGKILL, LibC.getpid(), threadId, install());
    }
}
