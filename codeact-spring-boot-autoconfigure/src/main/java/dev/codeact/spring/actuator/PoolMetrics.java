package dev.codeact.spring.actuator;

import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Gauges codeact.pool.size, .idle, .busy and .waiting for each micro-VM pool, tagged with its language: the pools
 * booted at start-up at once, a language's pool booted later when it boots.
 */
public final class PoolMetrics implements MeterBinder {
    private final KvmCodeSandbox sandbox;

    public PoolMetrics(KvmCodeSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        sandbox.onPool((language, pool) -> {
            String tag = language.id();
            gauge(registry, pool, tag, "codeact.pool.size", "Micro-VMs the pool keeps.", s -> s.stats().size());
            gauge(registry, pool, tag, "codeact.pool.idle", "Micro-VMs ready to be acquired.", s -> s.stats().idle());
            gauge(registry, pool, tag, "codeact.pool.busy", "Micro-VMs running a program or being restored.",
                    s -> s.stats().busy());
            gauge(registry, pool, tag, "codeact.pool.waiting", "Callers waiting for a micro-VM.", s -> s.stats().waiting());
        });
    }

    private static void gauge(MeterRegistry registry, SandboxPool pool, String language, String name, String description,
            ToDoubleFunction<SandboxPool> value) {
        Gauge.builder(name, pool, value).description(description).tag("backend", "kvm").tag("language", language)
                .register(registry);
    }
}
