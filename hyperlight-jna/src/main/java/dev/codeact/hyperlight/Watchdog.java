package dev.codeact.hyperlight;

import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process-wide daemon thread that fires deadlines for all running executions. Arming a deadline
 * later than the earliest one already armed (the usual case: every execution has the same timeout)
 * wakes nobody, and disarming only removes the entry, so an execution that ends in time costs no
 * context switch here. A scheduled executor would wake its thread for every new task.
 */
final class Watchdog {
    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();
    /** Condition.awaitNanos keeps nanosecond deadlines; Object.wait rounds them up to whole milliseconds. */
    private static final java.util.concurrent.locks.Condition CHANGED = LOCK.newCondition();
    private static final TreeSet<Alarm> ALARMS = new TreeSet<>();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** While the thread waits: when it will wake by itself (Long.MAX_VALUE: only when notified). */
    private static boolean sleeping;
    private static long sleepingUntilNanos;
    private static Thread thread;

    private Watchdog() {
    }

    /** A pending call of {@code task}; {@link #cancel()} before it fires and it never runs. */
    static final class Alarm implements Comparable<Alarm> {
        private final long sequence;
        private final Runnable task;
        private final long periodNanos;
        private long due;

        private Alarm(long dueNanos, long periodNanos, Runnable task) {
            this.due = dueNanos;
            this.periodNanos = periodNanos;
            this.sequence = SEQUENCE.incrementAndGet();
            this.task = task;
        }

        void cancel() {
            LOCK.lock();
            try {
                ALARMS.remove(this);
            } finally {
                LOCK.unlock();
            }
        }

        @Override
        public int compareTo(Alarm other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }

    static Alarm after(long nanos, Runnable task) {
        return arm(new Alarm(System.nanoTime() + nanos, 0, task));
    }

    static Alarm every(long nanos, Runnable task) {
        return arm(new Alarm(System.nanoTime() + nanos, nanos, task));
    }

    private static Alarm arm(Alarm alarm) {
        LOCK.lock();
        try {
            if (thread == null) {
                thread = new Thread(Watchdog::loop, "codeact-watchdog");
                thread.setDaemon(true);
                thread.start();
            }
            ALARMS.add(alarm);
            if (sleeping && (sleepingUntilNanos == Long.MAX_VALUE || alarm.due - sleepingUntilNanos < 0)) {
                CHANGED.signal();
            }
        } finally {
            LOCK.unlock();
        }
        return alarm;
    }

    private static void loop() {
        while (true) {
            Alarm due;
            LOCK.lock();
            try {
                while (true) {
                    long now = System.nanoTime();
                    Alarm first = ALARMS.isEmpty() ? null : ALARMS.first();
                    if (first != null && first.due - now <= 0) {
                        ALARMS.pollFirst();
                        if (first.periodNanos > 0) {
                            first.due = now + first.periodNanos;
                            ALARMS.add(first);
                        }
                        due = first;
                        break;
                    }
                    sleeping = true;
                    sleepingUntilNanos = first == null ? Long.MAX_VALUE : first.due;
                    try {
                        if (first == null) {
                            CHANGED.await();
                        } else {
                            CHANGED.awaitNanos(first.due - now);
                        }
                    } catch (InterruptedException e) {
                        // the watchdog never stops; an interrupt only makes it look at the alarms again
                    } finally {
                        sleeping = false;
                    }
                }
            } finally {
                LOCK.unlock();
            }
            try {
                due.task.run();
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(Watchdog.class.getName()).warning("watchdog task failed: " + e);
            }
        }
    }
}
