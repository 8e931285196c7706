package dev.codeact.hyperlight;

import java.time.Duration;

/**
 * When the execution that made a host call must end, on the {@link System#nanoTime()} clock. A host function that
 * waits on something (a socket, a lock, a file) bounds the wait by {@link #remaining()}, so that a program stopped
 * at its deadline never holds its sandbox longer than the deadline itself.
 *
 * @param nanoTime the deadline as a {@link System#nanoTime()} value
 */
public record Deadline(long nanoTime) {
    /** A deadline so far ahead that it never binds: for host functions called outside any execution. */
    private static final Deadline NONE = new Deadline(System.nanoTime() + Duration.ofDays(365 * 100L).toNanos());

    /** A deadline {@code duration} from now. */
    public static Deadline after(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    /** No deadline at all. */
    public static Deadline none() {
        return NONE;
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, nanoTime - System.nanoTime()));
    }

    /** True once the deadline has passed. */
    public boolean expired() {
        return nanoTime - System.nanoTime() <= 0;
    }

    /** The smaller of {@code limit} and the time left: what one wait may take. */
    public Duration bound(Duration limit) {
        Duration left = remaining();
        return left.compareTo(limit) < 0 ? left : limit;
    }
}
