package dev.codeact.spring.policy.fs;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A mount's write lock held on another thread, as a long write by another execution would hold it, until closed. */
final class HeldWriteLock implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread holder;

    private HeldWriteLock(MountPolicy policy, String guestPath) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        holder = new Thread(() -> {
            policy.writeLock(guestPath).lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                policy.writeLock(guestPath).unlock();
            }
        });
        holder.start();
        if (!held.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the lock of " + guestPath + " was not taken");
        }
    }

    /** Returns once the lock is held. */
    static HeldWriteLock of(MountPolicy policy, String guestPath) throws InterruptedException {
        return new HeldWriteLock(policy, guestPath);
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        holder.join();
    }
}
