package dev.codeact.spring.actuator;

import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.session.SessionStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/codeact}: the sandbox backend and why, pool state and vCPU threading, executions, latency, tool calls,
 * recent runs, and the session store's counts and sizes.
 */
@Endpoint(id = "codeact")
public class CodeActEndpoint {
    private final CodeSandbox sandbox;
    private final String backendReason;
    private final ExecutionStats stats;
    private final SessionStore store;

    public CodeActEndpoint(CodeSandbox sandbox, String backendReason, ExecutionStats stats) {
        this(sandbox, backendReason, stats, null);
    }

    /** @param store the session store, or null when the application has none */
    public CodeActEndpoint(CodeSandbox sandbox, String backendReason, ExecutionStats stats, SessionStore store) {
        this.sandbox = sandbox;
        this.backendReason = backendReason;
        this.stats = stats;
        this.store = store;
    }

    /**
     * The endpoint's document.
     *
     * @param backend the sandbox backend
     * @param backendReason why that backend
     * @param pool the micro-VM pool of the configured language (kvm backend only)
     * @param pools every micro-VM pool booted so far, by language (kvm backend only)
     * @param vcpuThreading which thread enters the micro-VMs and why (kvm backend only)
     * @param executions counts by outcome and error type
     * @param latencyMs latency percentiles over recent executions
     * @param toolCalls calls from programs, per tool
     * @param recentExecutions the last executions, newest first
     * @param sessions what the session store holds (null without one)
     */
    public record Report(String backend, String backendReason, SandboxPool.PoolStats pool,
            Map<String, SandboxPool.PoolStats> pools, String vcpuThreading, Executions executions,
            ExecutionStats.Latency latencyMs, Map<String, Long> toolCalls, List<ExecutionStats.RecentExecution> recentExecutions,
            Sessions sessions) {
    }

    /**
     * The session store's contents ({@link SessionStore#stats()}), counted without loading a state.
     *
     * @param store memory or redis ({@code codeact.sessions.store})
     * @param count sessions not expired
     * @param bytes their states' bytes
     * @param pendingApprovals programs waiting for a decision
     * @param pendingBytes their states' bytes
     * @param error why the store could not be asked (Redis unreachable), else null
     */
    public record Sessions(String store, Long count, Long bytes, Long pendingApprovals, Long pendingBytes, String error) {
        static Sessions of(SessionStore store) {
            try {
                SessionStore.Stats s = store.stats();
                return new Sessions(store.kind(), s.sessions(), s.sessionBytes(), s.pendingApprovals(), s.pendingBytes(), null);
            } catch (RuntimeException e) {
                return new Sessions(store.kind(), null, null, null, null, e.toString());
            }
        }
    }

    /**
     * Execution counts.
     *
     * @param total every execution since start-up
     * @param byOutcome success and failure
     * @param byErrorType failures by error type
     */
    public record Executions(long total, Map<String, Long> byOutcome, Map<String, Long> byErrorType) {
    }

    @ReadOperation
    public Report report() {
        KvmCodeSandbox kvm = sandbox instanceof KvmCodeSandbox k ? k : null;
        SandboxPool kvmPool = kvm == null ? null : kvm.pool();
        Map<String, SandboxPool.PoolStats> pools = null;
        if (kvm != null) {
            pools = new LinkedHashMap<>();
            for (Map.Entry<Language, SandboxPool> pool : kvm.pools().entrySet()) {
                pools.put(pool.getKey().id(), pool.getValue().stats());
            }
        }
        return new Report(sandbox.backend(), backendReason, kvmPool == null ? null : kvmPool.stats(), pools,
                kvmPool == null ? null : kvmPool.threading().describe(),
                new Executions(stats.total(), stats.byOutcome(), stats.byErrorType()), stats.latency(), stats.toolCalls(),
                stats.recent(), store == null ? null : Sessions.of(store));
    }
}
