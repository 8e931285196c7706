package dev.codeact.hyperlight;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Where a micro-VM's work runs: one task at a time, under the VM's lock, on the thread its {@link VcpuThreading}
 * chooses for the caller, the caller's own or the VM's own platform thread (created when first needed: never,
 * where every caller enters the guest itself). A caller waiting for the VM's thread gives up after the time it
 * was given, since a host function that never returns holds that thread. Closing frees the VM once, after
 * whatever runs; later tasks fail with "closed".
 */
final class VmThread {
    private static final Logger LOG = Logger.getLogger(VmThread.class.getName());

    private final VcpuThreading threading;
    private final ReentrantLock lock = new ReentrantLock();
    private ExecutorService thread;
    private boolean retired;
    private volatile Thread javaThread;
    /** Guarded by lock. */
    private boolean released;

    /** The caller waited as long as it was given; the VM's thread is lost to whatever it runs. */
    static final class StuckException extends RuntimeException {
        StuckException() {
            super(null, null, false, false);
        }
    }

    VmThread(VcpuThreading threading) {
        this.threading = threading;
    }

    /** Whether work started now, from this thread, runs on it. */
    boolean runsHere() {
        return threading.runsOnCurrentThread();
    }

    /**
     * Runs {@code task} under the VM's lock where executions would run now: here, or on the VM's own thread.
     *
     * @throws StuckException when the VM's thread has not finished it within {@code waitNanos}
     */
    <T> T run(Callable<T> task, long waitNanos) {
        return runsHere() ? locked(task) : onOwnThread(task, waitNanos);
    }

    /** Runs {@code task} under the VM's lock: here where executions run here, else soon on the VM's own thread. */
    CompletableFuture<Void> runSoon(Runnable task) {
        Callable<Void> call = () -> {
            task.run();
            return null;
        };
        if (runsHere()) {
            try {
                locked(call);
                return CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            ownThread().execute(() -> {
                try {
                    locked(call);
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new SandboxException(ErrorType.SANDBOX_FAILURE, "the micro-VM is closed", e));
        }
        return done;
    }

    /**
     * Runs {@code release} once, after any task in progress: on the VM's thread if it has one, which is waited for
     * unless {@code wait} is false (a thread lost to a host function) or this is that thread (a pool closing the VM
     * from a restore's completion, where the release runs right after).
     */
    void close(Runnable release, boolean wait) {
        ExecutorService own = retire();
        if (own == null) {
            releaseOnce(release); // everything ran on callers' threads: release on this one
            return;
        }
        Future<?> teardown = own.submit(() -> releaseOnce(release));
        own.shutdown();
        if (wait && Thread.currentThread() != javaThread) {
            try {
                teardown.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warning("micro-VM teardown did not finish: " + e);
            }
        }
    }

    private synchronized ExecutorService ownThread() {
        if (thread == null) {
            if (retired) {
                throw new RejectedExecutionException("the micro-VM is closed");
            }
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "codeact-vcpu");
                t.setDaemon(true);
                return t;
            });
        }
        return thread;
    }

    /** The VM's thread if it was ever created; none can be created afterwards. */
    private synchronized ExecutorService retire() {
        retired = true;
        return thread;
    }

    private void releaseOnce(Runnable release) {
        lock.lock();
        try {
            if (!released) {
                released = true;
                release.run();
            }
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Callable<T> task) {
        lock.lock();
        try {
            if (released) {
                throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the micro-VM is closed");
            }
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T onOwnThread(Callable<T> task, long waitNanos) {
        Future<T> future;
        try {
            future = ownThread().submit(() -> {
                javaThread = Thread.currentThread();
                return locked(task);
            });
        } catch (RejectedExecutionException e) {
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "the micro-VM is closed", e);
        }
        try {
            return future.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new StuckException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "interrupted while waiting for the sandbox", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new SandboxException(ErrorType.SANDBOX_FAILURE, "sandbox failure: " + cause, cause);
        }
    }
}
