package dev.codeact.hyperlight.kvm;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What this kernel charges when a vCPU enters the guest from a different thread than last time. KVM
 * records the thread that runs each vCPU; before Linux 6.12 changing it waits for an RCU grace period
 * (milliseconds), from 6.12 it is a lock (microseconds). Measured once per process on a {@link BareVm},
 * because distribution kernels backport and version numbers do not tell.
 */
public final class VcpuMigration {
    /** Above this a migration is taken to wait for an RCU grace period; the two cases are ~1000x apart. */
    public static final long EXPENSIVE_MIGRATION_NANOS = 200_000;
    private static final int SAMPLES = 8;
    private static volatile Measurement measured;

    private VcpuMigration() {
    }

    /**
     * The measurement, taken on first use.
     *
     * @param medianNanos median time of a KVM_RUN round trip that moved the vCPU to the other thread
     * @param sameThreadNanos median time of one that stayed on its thread
     */
    public record Measurement(long medianNanos, long sameThreadNanos) {
        public boolean cheap() {
            return medianNanos - sameThreadNanos < EXPENSIVE_MIGRATION_NANOS;
        }

        @Override
        public String toString() {
            return String.format("moving a vCPU between threads costs %.1f us here (a round trip that stays on its thread %.1f us)",
                    (medianNanos - sameThreadNanos) / 1e3, sameThreadNanos / 1e3);
        }
    }

    public static Measurement measurement() {
        Measurement m = measured;
        if (m == null) {
            synchronized (VcpuMigration.class) {
                m = measured;
                if (m == null) {
                    m = measure();
                    measured = m;
                }
            }
        }
        return m;
    }

    private static Measurement measure() {
        ExecutorService other = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "codeact-vcpu-migration-probe");
            t.setDaemon(true);
            return t;
        });
        try (BareVm vm = new BareVm()) {
            long[] stay = new long[SAMPLES];
            long[] move = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                stay[i] = timed(vm); // after the previous sample's move back, this one stays
                move[i] = other.submit(() -> timed(vm)).get(10, TimeUnit.SECONDS);
                timed(vm); // and back
            }
            return new Measurement(median(move), median(stay));
        } catch (Exception e) {
            throw new IllegalStateException("could not measure vCPU migration: " + e, e);
        } finally {
            other.shutdownNow();
        }
    }

    private static long timed(BareVm vm) {
        long started = System.nanoTime();
        vm.exitRoundTrip();
        return System.nanoTime() - started;
    }

    private static long median(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
