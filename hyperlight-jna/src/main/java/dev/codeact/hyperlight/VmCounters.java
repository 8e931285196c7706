package dev.codeact.hyperlight;

/**
 * Where one micro-VM's time went, counted since it started: time inside {@code KVM_RUN} and the exits that ended
 * each entry, by kind, and the restores with the pages they copied back. Kept so that a benchmark can break an
 * execution down (what the guest took, what the restore took, what is left for Java), and so that figures from
 * two machines can be compared. Updated by the thread that runs the VM, without allocation or synchronisation;
 * read with {@link #read()} between executions (an execution or restore in progress may be half counted).
 */
public final class VmCounters {
    /** The counters at one moment; {@link #minus} gives what happened between two. */
    public record Totals(long executions, long kvmRunNanos, long hostCallExits, long logExits,
            long sleepExits, long interruptedRuns, long otherExits, long restores, long restoredPages, long restoreNanos) {

        /** Entries into the guest: every {@code KVM_RUN} ends in one exit, interrupted ones included. */
        public long exits() {
            return hostCallExits + logExits + sleepExits + interruptedRuns + otherExits;
        }

        public Totals minus(Totals earlier) {
            return new Totals(executions - earlier.executions, kvmRunNanos - earlier.kvmRunNanos,
                    hostCallExits - earlier.hostCallExits, logExits - earlier.logExits, sleepExits - earlier.sleepExits,
                    interruptedRuns - earlier.interruptedRuns, otherExits - earlier.otherExits, restores - earlier.restores,
                    restoredPages - earlier.restoredPages, restoreNanos - earlier.restoreNanos);
        }
    }

    long executions;
    long kvmRunNanos;
    long hostCallExits;
    long logExits;
    long sleepExits;
    /** EINTR (a kick) and KVM_EXIT_INTR. */
    long interruptedRuns;
    /** The end of an execution (done, abort, exception, fault) and anything else. */
    long otherExits;
    long restores;
    long restoredPages;
    long restoreNanos;

    VmCounters() {
    }

    public Totals read() {
        return new Totals(executions, kvmRunNanos, hostCallExits, logExits, sleepExits, interruptedRuns, otherExits,
                restores, restoredPages, restoreNanos);
    }
}
