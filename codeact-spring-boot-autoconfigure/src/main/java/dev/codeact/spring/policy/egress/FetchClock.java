package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.util.Timeout;

/**
 * The time of one fetch call: the smaller of the egress timeout and what is left of the execution's deadline.
 * Socket timeouts only bound each wait, and a body trickling one byte at a time never trips them, so at the end a
 * timer closes every socket of the call: whatever was blocked on one (a connect, a TLS handshake, a read, a write
 * the server never reads) fails at once. A socket made after that is closed as it is registered.
 */
final class FetchClock implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = timer();

    private final long endNanos;
    private final long timeoutMillis;
    private final boolean executionBound;
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledFuture<?> alarm;
    private boolean closed;

    FetchClock(Duration timeout, Deadline deadline) {
        Duration left = deadline.remaining();
        this.executionBound = left.compareTo(timeout) < 0;
        this.timeoutMillis = timeout.toMillis();
        long now = System.nanoTime();
        this.endNanos = now + (executionBound ? left : timeout).toNanos();
        this.alarm = TIMER.schedule(this::expire, Math.max(0, endNanos - now), TimeUnit.NANOSECONDS);
    }

    /** True once the call's time has run out. */
    boolean over() {
        return System.nanoTime() - endNanos >= 0;
    }

    long remainingNanos() {
        return Math.max(0, endNanos - System.nanoTime());
    }

    /** What is left, rounded up to whole milliseconds (so that a socket timeout never fires before the end). */
    Timeout remaining() {
        return Timeout.ofMilliseconds(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos() + 999_999)));
    }

    /** Closes the socket at the end of the call, or now if the call is already over. */
    synchronized void register(Socket socket) {
        if (closed) {
            closeQuietly(socket);
        } else {
            sockets.add(socket);
        }
    }

    /**
     * The failure for a call that ran out of time, saying which limit ended it. A call ended by the execution's
     * deadline returns after it, and the sandbox then stops the program before handing it this failure, so the
     * execution ends as a TIMEOUT.
     */
    HostFunctionException ranOut(FetchTarget target) {
        if (!executionBound) {
            return new HostFunctionException("fetch timed out after " + timeoutMillis + " ms: " + target.url());
        }
        return new HostFunctionException("fetch stopped: the execution's time ran out before " + target.url()
                + " answered");
    }

    private synchronized void expire() {
        closed = true;
        sockets.forEach(FetchClock::closeQuietly);
    }

    /** Ends the call: connections are never reused, so every socket it opened is done with. */
    @Override
    public void close() {
        alarm.cancel(false);
        expire();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "codeact-fetch-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
