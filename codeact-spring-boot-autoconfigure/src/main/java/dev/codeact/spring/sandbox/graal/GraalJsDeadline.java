package dev.codeact.spring.sandbox.graal;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The caller's side of one execution's limits, as the KVM backend's {@code MicroVm} does them: at the deadline the
 * execution is stopped ({@link ErrorType#TIMEOUT}) and a host function it is inside is interrupted; one that ignores
 * the interrupt is abandoned {@link #STUCK_HOST_FUNCTION_GRACE_NANOS} later. When the CPU-time limit can bind before
 * the deadline, the program's CPU time (host functions excluded) is polled every {@link #pollNanos(Duration)} and the
 * execution stopped past it ({@link ErrorType#CPU_LIMIT}).
 *
 * <p>This is the one place of the GraalJS backend that copies {@code MicroVm}'s supervision; a shared,
 * backend-neutral supervisor replaces {@link #await} as it is: it needs of the execution only {@link Supervised}.
 */
final class GraalJsDeadline {
    /** How long a caller waits past the deadline for a host function that ignores interruption. */
    static final long STUCK_HOST_FUNCTION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** What the supervisor needs of an execution. */
    interface Supervised {
        /** Stops the execution for {@code reason}; the first reason wins. */
        void stop(ErrorType reason);

        /** Interrupts the program's thread if it is inside a host function (which may then give up its wait). */
        void interruptHostFunction();

        /** CPU time the program has used, host functions excluded, or -1 before it started. */
        long programCpuNanos();
    }

    private GraalJsDeadline() {
    }

    /**
     * Waits for {@code done} under the execution's limits.
     *
     * @return the execution's outcome, or empty when the deadline passed inside a host function that did not return
     *     within the grace period (the caller reports {@link ExecutionLimits#stuckInHostFunction()})
     * @throws InterruptedException when the caller's thread is interrupted (the execution is not stopped here)
     * @throws ExecutionException when {@code done} failed
     */
    static <T> Optional<T> await(CompletableFuture<T> done, long deadlineNanos, ExecutionLimits limits, Supervised execution)
            throws InterruptedException, ExecutionException {
        boolean pollCpu = limits.cpuTimeIsBinding();
        long pollNanos = pollNanos(limits.cpuTime());
        long cpuLimitNanos = limits.cpuTime().toNanos();
        long giveUpAt = 0;
        boolean deadlinePassed = false;
        while (true) {
            long now = System.nanoTime();
            if (!deadlinePassed && now - deadlineNanos >= 0) {
                deadlinePassed = true;
                giveUpAt = now + STUCK_HOST_FUNCTION_GRACE_NANOS;
                execution.stop(ErrorType.TIMEOUT);
                execution.interruptHostFunction();
            }
            if (deadlinePassed && now - giveUpAt >= 0) {
                return Optional.empty();
            }
            if (pollCpu && !deadlinePassed) {
                long cpu = execution.programCpuNanos();
                if (cpu >= 0 && cpu > cpuLimitNanos) {
                    execution.stop(ErrorType.CPU_LIMIT);
                }
            }
            long until = deadlinePassed ? giveUpAt : deadlineNanos;
            if (pollCpu && !deadlinePassed) {
                until = Math.min(until, now + pollNanos);
            }
            try {
                return Optional.of(done.get(Math.max(0, until - now), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                // look at the deadline and the CPU time again
            }
        }
    }

    /** A tenth of the CPU-time limit, between 1 and 10 ms. */
    static long pollNanos(Duration cpuTime) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(10), cpuTime.toNanos() / 10));
    }
}
