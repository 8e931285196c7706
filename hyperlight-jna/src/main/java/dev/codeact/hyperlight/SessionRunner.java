package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.SlotPages;

/**
 * A VM's executions in sessions: a program run over a session's state, or a suspended one resumed, and the state
 * taken after it. Used under the VM's lock, on the thread that runs the VM, like {@link VcpuLoop}.
 */
final class SessionRunner {
    private final VcpuLoop loop;
    private final VmSnapshot snapshot;
    private final String imageKey;
    private final GuestLayout layout;

    SessionRunner(VcpuLoop loop, VmSnapshot snapshot, String imageKey, GuestLayout layout) {
        this.loop = loop;
        this.snapshot = snapshot;
        this.imageKey = imageKey;
        this.layout = layout;
    }

    SessionStep execute(ExecutionSupervisor supervisor, byte[] program, SessionState state, long maxStateBytes) {
        supervisor.hostCalls().allowSuspension(0);
        ExecutionResult result = loop.execute(supervisor, program, state);
        return stepAfter(result, state, supervisor, maxStateBytes);
    }

    SessionStep resume(ExecutionSupervisor supervisor, SessionState state, HostCallAnswer answer, long maxStateBytes) {
        supervisor.hostCalls().allowSuspension(state.hostCalls());
        HostCallDispatcher.Reply reply = supervisor.hostCalls().answer(state.pendingCall().orElseThrow().name(), answer);
        ExecutionResult result = loop.resume(supervisor, state, reply);
        return stepAfter(result, state, supervisor, maxStateBytes);
    }

    /** The new state where the guest reported its outcome or was suspended; the one it started from otherwise. */
    private SessionStep stepAfter(ExecutionResult result, SessionState previous, ExecutionSupervisor supervisor,
            long maxStateBytes) {
        VcpuLoop.End end = loop.lastEnd();
        if (end == VcpuLoop.End.FAULTED) {
            return new SessionStep(result, previous, false);
        }
        boolean suspended = end == VcpuLoop.End.SUSPENDED;
        byte[] registers = suspended ? loop.suspendedRegisters() : new byte[0];
        SlotPages[] pages;
        try {
            pages = snapshot.changedPages(previous, suspended, maxStateBytes - registers.length);
        } catch (SlotPages.OverBudgetException e) {
            throw SessionState.tooLarge(e.bytes() + registers.length, maxStateBytes, result);
        }
        SessionState.PendingCall pending = suspended ? supervisor.hostCalls().suspended() : null;
        return new SessionStep(result, new SessionState(imageKey, layout, pages[0], pages[1], registers, pending,
                suspended ? supervisor.hostCalls().calls() : 0), true);
    }
}
