package dev.codeact.hyperlight;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** One process-wide daemon thread that fires deadlines and polls CPU time for all running executions. */
final class Watchdog {
    private static final ScheduledExecutorService SCHEDULER = create();

    private Watchdog() {
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "codeact-watchdog");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    static ScheduledFuture<?> after(long nanos, Runnable task) {
        return SCHEDULER.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    static ScheduledFuture<?> every(long nanos, Runnable task) {
        return SCHEDULER.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
    }
}
