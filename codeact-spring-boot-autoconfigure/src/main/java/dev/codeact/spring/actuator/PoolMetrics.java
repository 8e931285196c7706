package dev.codeact.spring.actuator;

import dev.codeact.hyperlight.SandboxPool;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/** Gauges codeact.pool.size, .idle, .busy and .waiting for the micro-VM pool. */
public final class PoolMetrics implements MeterBinder {
    private final SandboxPool pool;

    public PoolMetrics(SandboxPool pool) {
        this.pool = pool;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "codeact.pool.size", "Micro-VMs the pool keeps.", s -> s.stats().size());
        gauge(registry, "codeact.pool.idle", "Micro-VMs ready to be acquired.", s -> s.stats().idle());
        gauge(registry, "codeact.pool.busy", "Micro-VMs running a program or being restored.", s -> s.stats().busy());
        gauge(registry, "codeact.pool.waiting", "Callers waiting for a micro-VM.", s -> s.stats().waiting());
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<SandboxPool> value) {
        Gauge.builder(name, pool, value).description(description).tag("backend", "kvm").register(registry);
    }
}
