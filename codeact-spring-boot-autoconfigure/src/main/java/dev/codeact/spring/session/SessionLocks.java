package dev.codeact.spring.session;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One program at a time per session in this application: two programs of one conversation started together would
 * both start from the same state, and the second to finish would silently drop what the first did. Striped, so the
 * locks take fixed memory whatever the number of conversations (two conversations may share a stripe and then wait
 * for each other, which is only slower). Replicas sharing a store do not lock each other: there the last program to
 * finish sets the state.
 */
public final class SessionLocks {
    private static final int STRIPES = 256;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public SessionLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock(true);
        }
    }

    /**
     * Runs {@code body} holding {@code key}'s lock, or, when {@code key} is null, without any.
     *
     * @return the body's value, or empty when the lock was not free within {@code wait}
     */
    public <T> Optional<T> holding(SessionKey key, Duration wait, Supplier<T> body) {
        if (key == null) {
            return Optional.of(body.get());
        }
        ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), STRIPES)];
        try {
            if (!lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return Optional.of(body.get());
        } finally {
            lock.unlock();
        }
    }
}
