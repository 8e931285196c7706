package dev.codeact.spring.execution;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Denies the approvals no one decided in time ({@code codeact.tools.approval-mode=suspend}): calls
 * {@link CodeActApprovals#expireDue()} every {@link #period(Duration) period} on a daemon thread, from the application
 * context's start to its stop. Without it an undecided approval would be denied only when someone finally decided it,
 * and its program would never hear that its call was refused. A round that fails is logged, and the next one runs as
 * planned: nothing a round throws ends the schedule.
 */
public final class ApprovalExpiryScheduler implements SmartLifecycle {
    /** The longest wait between two rounds: an expired approval is denied at most this late. */
    static final Duration LONGEST_PERIOD = Duration.ofSeconds(30);
    /** The shortest: a very short expiry does not make the store be scanned more often than this. */
    static final Duration SHORTEST_PERIOD = Duration.ofSeconds(1);
    /** How long stopping waits for a round under way (it may be resuming programs) before interrupting it. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Log LOG = LogFactory.getLog(ApprovalExpiryScheduler.class);

    private final CodeActApprovals approvals;
    private final Duration period;
    private ScheduledExecutorService scheduler; // guarded by this

    /** @param approvalExpiry how long an approval waits for a decision ({@code codeact.tools.approval-expiry}) */
    public ApprovalExpiryScheduler(CodeActApprovals approvals, Duration approvalExpiry) {
        this.approvals = approvals;
        this.period = period(approvalExpiry);
    }

    /**
     * A quarter of the expiry, so that an approval is denied within a quarter of its lifetime past it, but at most
     * {@link #LONGEST_PERIOD} and at least {@link #SHORTEST_PERIOD}.
     */
    public static Duration period(Duration approvalExpiry) {
        Duration quarter = approvalExpiry.dividedBy(4);
        if (quarter.compareTo(LONGEST_PERIOD) > 0) {
            return LONGEST_PERIOD;
        }
        return quarter.compareTo(SHORTEST_PERIOD) < 0 ? SHORTEST_PERIOD : quarter;
    }

    public Duration period() {
        return period;
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "codeact-approval-expiry");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::expireDue, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown(); // no further rounds
        try {
            if (!scheduler.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        scheduler = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /**
     * One round. It catches everything: an exception leaving a task of a {@link ScheduledExecutorService} would
     * silently cancel every later round, and expired approvals would then wait forever.
     */
    void expireDue() {
        try {
            approvals.expireDue(); // each denial is logged and observed there
        } catch (Throwable e) {
            LOG.warn("denying expired approvals failed; the next round is in " + period.toSeconds() + "s", e);
        }
    }
}
