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

    /** Sends the kick to one OS thread of this process. */
    public static void send(int threadId) {
        LibC.syscall(LibC.SYS_TGKILL, LibC.getpid(), threadId, install());
    }
}
