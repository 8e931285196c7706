package dev.codeact.hyperlight;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches one execution, for any backend: its deadline, its CPU time (time in host functions excluded, as the
 * execution's {@link HostCallDispatcher} measures it), and the stop that either of them, or the backend itself
 * (output limit, caller gone), asks for. A stop is soft first: the backend's {@link Stopper#requestStop} asks the
 * program to end at its next safe point, and a runner asleep in {@link #sleep} wakes. If the execution still runs
 * {@code killGrace} later, {@link Stopper#forceStop} forces it out, and the runner thread is interrupted where the
 * backend says it may be waiting in host code. A caller that waits for the runner gives up at
 * {@link #giveUpAtNanos()}: a host function that ignores interruption holds the runner, never the caller, longer.
 *
 * <p>Nothing here knows how the program runs: the micro-VM and an in-process engine differ only in their
 * {@link Stopper}. The timers run on the process-wide {@link Watchdog}.
 *
 * <p>Use: create it (any thread) with the execution's limits and dispatcher; on the thread that runs the program
 * call {@link #enter()} and, once the program's own CPU time starts, {@link #startCpuClock()}; {@link #arm()} the
 * timers; end with {@link #finish()} on the runner, or {@link #abandon()} from a caller that gave up on it.
 */
public final class ExecutionSupervisor {
    /** How long a caller waits past the deadline (and the kill grace) for a host function that ignores interruption. */
    public static final Duration STUCK_HOST_FUNCTION_GRACE = Duration.ofSeconds(2);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** How a backend stops its program. Both are called at most once per execution, and never after {@link #finish()}. */
    public interface Stopper {
        /** Asks the program to end at its next safe point (a cancel word, a context's cancellation). Any thread. */
        void requestStop(ErrorType reason);

        /**
         * Forces the program out now; called under the supervisor's lock, so it never races {@link #finish()}.
         *
         * @return true when the runner thread should be interrupted as well: it may be waiting in host code
         */
        boolean forceStop();
    }

    private final long startedNanos;
    private final long deadlineNanos;
    private final long killGraceNanos;
    private final ExecutionLimits limits;
    private final HostCallDispatcher hostCalls;
    private final Stopper stopper;
    private final AtomicReference<ErrorType> stopReason = new AtomicReference<>();
    private volatile boolean killed;
    private volatile Thread runner;
    /** The runner's CPU time when the program's own time started, or -1 before. */
    private volatile long cpuAtStart = -1;
    private volatile Watchdog.Alarm deadlineAlarm;
    private volatile Watchdog.Alarm cpuPoll;
    /** Runner thread only: the interrupt status it came with, which host calls may consume. */
    private boolean runnerWasInterrupted;
    /** Written under this object's lock, with {@link #interruptSent}; read without it by the timers. */
    private volatile boolean finished;
    private boolean interruptSent;

    /**
     * @param startedNanos when the execution started ({@link System#nanoTime()}); its deadline is that plus the timeout
     * @param functions what the program may call: the supervisor's dispatcher runs them under its deadline, and
     *     their time does not count as the program's CPU time
     * @param replyCapacityBytes the sandbox's room for one host call's reply
     * @param killGrace between the soft stop and the forced one; zero forces at once
     */
    public ExecutionSupervisor(long startedNanos, HostFunctions functions, ExecutionLimits limits, int replyCapacityBytes,
            Duration killGrace, Stopper stopper) {
        this.startedNanos = startedNanos;
        this.deadlineNanos = startedNanos + limits.timeout().toNanos();
        this.killGraceNanos = killGrace.toNanos();
        this.limits = limits;
        this.hostCalls = new HostCallDispatcher(functions, limits, replyCapacityBytes, deadline());
        this.stopper = stopper;
    }

    /**
     * Runs one host call of the program. A call that returns past the deadline (it outlived it, or gave up because
     * of it) stops the execution first, so the program never goes on to fail with the call's error before the stop.
     */
    public HostCallDispatcher.Reply hostCall(byte[] request) throws GuestProtocolException {
        HostCallDispatcher.Reply reply = hostCalls.dispatch(request);
        if (pastDeadline()) {
            stop(ErrorType.TIMEOUT);
        }
        return reply;
    }

    /** The execution's deadline, as host functions get it. */
    public Deadline deadline() {
        return new Deadline(deadlineNanos);
    }

    public ExecutionLimits limits() {
        return limits;
    }

    public HostCallDispatcher hostCalls() {
        return hostCalls;
    }

    /** Nanoseconds since the execution started. */
    public long elapsedNanos() {
        return System.nanoTime() - startedNanos;
    }

    /** True once the deadline has passed. */
    public boolean pastDeadline() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /** When ({@link System#nanoTime()}) a caller waiting for the runner gives up on it as stuck in a host function. */
    public long giveUpAtNanos() {
        return deadlineNanos + killGraceNanos + STUCK_HOST_FUNCTION_GRACE.toNanos();
    }

    // ---------------------------------------------------------------- runner thread

    /** This thread runs the program from now: a stop wakes it, a forced stop may interrupt it. */
    public void enter() {
        Thread current = Thread.currentThread();
        runnerWasInterrupted = current.isInterrupted();
        runner = current;
    }

    /** The program's own CPU time counts from now (only measured where the CPU limit can bind). */
    public void startCpuClock() {
        if (limits.cpuTimeIsBinding()) {
            cpuAtStart = THREADS.getCurrentThreadCpuTime();
        }
    }

    /**
     * Parks the runner for up to {@code nanos} (a program's timer), never past the deadline, and not at all once a
     * stop has been asked for. Parked, it uses no CPU time.
     */
    public void sleep(long nanos) {
        long now = System.nanoTime();
        long until = now + Math.min(Math.max(0, deadlineNanos - now), Math.max(0, nanos));
        while (stopReason.get() == null && !killed && until - (now = System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, until - now);
        }
        if (pastDeadline()) {
            // woken at the deadline, perhaps before the alarm has run: the program must not go on and finish first
            stop(ErrorType.TIMEOUT);
        }
    }

    /**
     * The execution is over: the timers are disarmed, no stop acts on it any more, an interrupt the forced stop
     * sent is cleared, and the runner's own interrupt status is given back.
     */
    public void finish() {
        disarm();
        boolean clearOurs;
        synchronized (this) {
            finished = true;
            clearOurs = interruptSent;
        }
        if (clearOurs) {
            Thread.interrupted(); // ours, aimed at a host function: it must not outlive the execution
        }
        if (runnerWasInterrupted) {
            Thread.currentThread().interrupt(); // the caller's own, which host calls may have consumed
        }
    }

    // ---------------------------------------------------------------- any thread

    /** Starts the deadline timer and, where the CPU limit can bind, the CPU-time poll. */
    public void arm() {
        deadlineAlarm = Watchdog.after(Math.max(0, deadlineNanos - System.nanoTime()), () -> stop(ErrorType.TIMEOUT));
        if (limits.cpuTimeIsBinding()) {
            cpuPoll = Watchdog.every(cpuPollNanos(limits.cpuTime()), this::checkCpu);
        }
    }

    /**
     * Stops the execution for {@code reason} unless it was stopped already (the first reason wins): the soft stop
     * now, the forced one after the kill grace.
     *
     * @return true when this call set the reason
     */
    public boolean stop(ErrorType reason) {
        if (!stopReason.compareAndSet(null, reason)) {
            return false;
        }
        synchronized (this) {
            if (finished) {
                return true;
            }
            stopper.requestStop(reason);
            Thread t = runner;
            if (t != null) {
                LockSupport.unpark(t); // a program asleep until its next timer wakes to stop
            }
        }
        if (killGraceNanos <= 0) {
            kill();
        } else {
            Watchdog.after(killGraceNanos, this::kill);
        }
        return true;
    }

    /** Records {@code reason} for a program that has already ended (e.g. its output was cut at the final flush). */
    public void markStopped(ErrorType reason) {
        stopReason.compareAndSet(null, reason);
    }

    /** The first stop's reason, or null. */
    public ErrorType stopReason() {
        return stopReason.get();
    }

    /** True once the forced stop has begun: the runner must leave the program at once. */
    public boolean killed() {
        return killed;
    }

    /** The error the stop ends the execution with, worded by the limits. */
    public ExecutionError stopError() {
        ErrorType reason = stopReason.get();
        return reason == null ? ExecutionError.of(ErrorType.GUEST_CRASH, "the execution was stopped") : limits.stoppedBy(reason);
    }

    /** A caller gave up on the runner (stuck in a host function): the timers stop, and this is its result. */
    public ExecutionResult abandon() {
        disarm();
        return ExecutionResult.failure(limits.stuckInHostFunction(), Duration.ofNanos(elapsedNanos()));
    }

    private void kill() {
        synchronized (this) {
            if (finished) {
                return;
            }
            killed = true;
            if (stopper.forceStop()) {
                Thread t = runner;
                if (t != null) {
                    interruptSent = true;
                    t.interrupt();
                }
            }
        }
    }

    private void checkCpu() {
        long atStart = cpuAtStart;
        Thread t = runner;
        if (finished || atStart < 0 || t == null) {
            return;
        }
        if (hostCalls.programCpuNanos(t.getId(), atStart) > limits.cpuTime().toNanos()) {
            stop(ErrorType.CPU_LIMIT);
        }
    }

    private void disarm() {
        Watchdog.Alarm deadline = deadlineAlarm;
        if (deadline != null) {
            deadline.cancel();
        }
        Watchdog.Alarm poll = cpuPoll;
        if (poll != null) {
            poll.cancel();
        }
    }

    /** Every tenth of the CPU limit, between 1 and 10 ms: overshoot stays small, polling cheap. */
    private static long cpuPollNanos(Duration cpuTime) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(10), cpuTime.toNanos() / 10));
    }
}
