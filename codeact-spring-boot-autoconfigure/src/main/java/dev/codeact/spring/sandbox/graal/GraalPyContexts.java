package dev.codeact.spring.sandbox.graal;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

/**
 * Booted GraalPy contexts, made ahead of the executions that take them: each execution runs in a context of its
 * own, fresh from boot.py, and closes it (nothing an execution does reaches the next one), but booting one costs
 * GraalPy hundreds of milliseconds to seconds of CPU (boot.py imports some forty modules; the KVM guest imports them
 * once, before its snapshot), so a thread of its own boots the next while the current one runs.
 */
final class GraalPyContexts implements AutoCloseable {
    /** The booting thread's Java stack: imports nest deeply in GraalPy's interpreter. */
    private static final long BOOT_STACK_BYTES = 16L << 20;

    /** A booted context and its natives and {@code _codeact_run}; or, with {@code failure}, why booting stopped. */
    record Booted(Context context, GraalPyNatives natives, Value run, RuntimeException failure) {
    }

    private final GraalPyEngine engine;
    private final BlockingQueue<Booted> ready;
    private final Thread booter;
    private volatile boolean closed;

    /** @param readyContexts how many booted contexts wait for executions (at least 1) */
    GraalPyContexts(GraalPyEngine engine, int readyContexts) {
        if (readyContexts < 1) {
            throw new IllegalArgumentException("readyContexts must be at least 1, was " + readyContexts);
        }
        this.engine = engine;
        this.ready = new ArrayBlockingQueue<>(readyContexts);
        this.booter = new Thread(null, this::bootAhead, "codeact-graalpy-boot", BOOT_STACK_BYTES);
        booter.setDaemon(true);
    }

    /** Starts booting contexts ahead. */
    void start() {
        booter.start();
    }

    /**
     * A booted context for one execution, waiting up to {@code timeout} for it; null when none was ready in time.
     *
     * @throws IllegalStateException when contexts can no longer be booted (boot.py failed, or the sandbox is closed)
     */
    Booted take(Duration timeout) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the graalpy sandbox is closed");
        }
        Booted booted = ready.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (booted != null && booted.failure() != null) {
            ready.offer(booted); // every later take fails the same way
            throw new IllegalStateException("could not boot a GraalPy context: " + booted.failure().getMessage(),
                    booted.failure());
        }
        return booted;
    }

    private void bootAhead() {
        while (!closed) {
            Booted booted;
            try {
                booted = boot();
            } catch (RuntimeException e) {
                ready.clear();
                ready.offer(new Booted(null, null, null, e));
                return;
            }
            try {
                ready.put(booted);
            } catch (InterruptedException e) {
                GraalJsEngine.closeQuietly(booted.context());
                return;
            }
        }
        drain();
    }

    private Booted boot() {
        Context context = engine.newContext();
        try {
            GraalPyNatives natives = new GraalPyNatives();
            return new Booted(context, natives, engine.boot(context, natives), null);
        } catch (RuntimeException e) {
            GraalJsEngine.closeQuietly(context);
            throw e;
        }
    }

    /** Stops booting and closes the contexts no execution took. */
    @Override
    public void close() {
        closed = true;
        booter.interrupt();
        drain();
    }

    private void drain() {
        for (Booted booted; (booted = ready.poll()) != null; ) {
            if (booted.context() != null) {
                GraalJsEngine.closeQuietly(booted.context());
            }
        }
    }
}
