package dev.codeact.benchmarks;

import static dev.codeact.benchmarks.BenchSuite.percentile;
import static dev.codeact.benchmarks.BenchSuite.round;
import static dev.codeact.benchmarks.BenchSuite.us;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.execution.ApprovalListener;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.CodeExecution;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.policy.approval.ApprovalMode;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import dev.codeact.spring.session.SessionKey;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.session.SessionStore;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import dev.codeact.spring.tools.ToolSet;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Issue 16's session targets, measured through the Spring layer's {@link CodeActExecutor} with sessions on, one column
 * per {@link SessionStore} (in memory; Redis on loopback when it can be had, see {@link BenchStore#redis()}):
 * <ul>
 *   <li>resuming a session on a warm VM costs at most two trivial executions plus the copy of the session's pages,
 *       for 100 KiB, 1 MiB and 10 MiB of state: the step ({@code return 1} in the conversation) and the trivial
 *       execution (the same program in no conversation) interleaved in one run, the copy measured by {@link PageCopy};
 *       the same program on the sandbox alone is shown next to them, for what the executor adds to both;</li>
 *   <li>the same for a program suspended at a call for approval, then approved ({@link CodeActApprovals#decide}), at
 *       100 KiB;</li>
 *   <li>an idle session holds the bytes of the pages its programs changed, no more: its state's size against the
 *       bytes its program wrote, also net of what an empty program's session holds (the runtime's own pages).</li>
 * </ul>
 * Each store's figures take a few seconds.
 */
final class SessionBench {
    static final int[] STATE_KIB = {100, 1024, 10 * 1024};
    static final int APPROVAL_STATE_KIB = 100;
    private static final long MAX_STATE_BYTES = 64L << 20;
    private static final String TRIVIAL = "return 1";
    private static final String APPROVED_CALL = "return call_tool('refund', {n: 1})";
    private static final ToolContext NO_CONTEXT = new ToolContext(Map.of());

    /** The tool whose calls wait for approval. */
    static final class RefundTools {
        @Tool(description = "Refunds n units; needs a person's approval.")
        public int refund(int n) {
            return n;
        }
    }

    private final boolean quick;

    SessionBench(boolean quick) {
        this.quick = quick;
    }

    Map<String, Object> measure() throws Exception {
        Map<String, Object> resume = new LinkedHashMap<>();
        Map<String, Object> approval = new LinkedHashMap<>();
        Map<String, Object> idle = new LinkedHashMap<>();
        try (KvmCodeSandbox sandbox = new KvmCodeSandbox(SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(10)))) {
            for (Supplier<BenchStore> make : List.<Supplier<BenchStore>>of(BenchStore::memory, BenchStore::redis)) {
                try (BenchStore store = make.get()) {
                    if (!store.available()) {
                        Map<String, Object> skipped = Map.of("skipped", store.skipped());
                        resume.put(store.kind(), skipped);
                        approval.put(store.kind(), skipped);
                        idle.put(store.kind(), skipped);
                        continue;
                    }
                    Setup setup = new Setup(sandbox, store.store());
                    warmUp(setup);
                    resume.put(store.kind(), resume(setup));
                    approval.put(store.kind(), approvalResume(setup));
                    idle.put(store.kind(), idleMemory(setup));
                }
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("resumeOnWarmVm", resume);
        figures.put("approvalResume" + APPROVAL_STATE_KIB + "KiB", approval);
        figures.put("memoryPerIdleSession", idle);
        return figures;
    }

    /**
     * Two executors over one sandbox and store: one with sessions (no approvals, so a program in no conversation runs
     * plainly: the trivial execution), one that also suspends calls of {@code refund}, with its approvals.
     */
    private static final class Setup {
        final CodeSandbox sandbox;
        final SessionStore store;
        final CodeActExecutor sessions;
        final ToolSet plainTools;
        final CodeActExecutor suspending;
        final ToolSet refundTools;
        final CodeActApprovals approvals;

        Setup(CodeSandbox sandbox, SessionStore store) {
            this.sandbox = sandbox;
            this.store = store;
            ToolCatalog plain = new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of());
            sessions = executor(sandbox, plain, new SessionSettings(store, true, Duration.ofMinutes(30), MAX_STATE_BYTES,
                    false, Duration.ZERO, Clock.systemUTC()));
            plainTools = plain.select(List.of());
            // found once, as the auto-configuration's ToolBeanDiscovery does, not for every call
            ToolInventory refundInventory = ToolInventory.of(List.of(ToolCallbacks.from(new RefundTools())));
            ToolCatalog refund = new ToolCatalog(() -> refundInventory,
                    List.of("*"), List.of(), List.of(), new ApprovalGate(List.of("refund"), null, ApprovalMode.SUSPEND));
            suspending = executor(sandbox, refund, new SessionSettings(store, true, Duration.ofMinutes(30), MAX_STATE_BYTES,
                    true, Duration.ofHours(1), Clock.systemUTC()));
            refundTools = refund.select(List.of());
            approvals = new CodeActApprovals(suspending, ApprovalListener.of(List.of()), ObservationRegistry.NOOP);
        }

        private static CodeActExecutor executor(CodeSandbox sandbox, ToolCatalog catalog, SessionSettings settings) {
            return new CodeActExecutor(sandbox, catalog, ExecutionLimits.defaults(), ExecutionListener.NONE,
                    ObservationRegistry.NOOP, SandboxServices.defaults(), Language.JAVASCRIPT, settings);
        }

        /** Runs {@code code} in the conversation (null: none), which must succeed. */
        CodeExecution run(String code, String conversation) {
            return succeeded(sessions.run(Language.JAVASCRIPT, code, plainTools, NO_CONTEXT, conversation), code);
        }

        /**
         * The trivial program on the sandbox alone, without the executor (its tools, its /output, its observation):
         * shown next to the executor's trivial execution, which the target is measured against.
         */
        void runOnSandbox() {
            if (!sandbox.execute(Language.JAVASCRIPT, TRIVIAL, HostFunctions.none(), ExecutionLimits.defaults()).success()) {
                throw new IllegalStateException("the trivial program failed on the sandbox");
            }
        }

        /** Runs {@code code} in the conversation of the suspending executor: a call of refund suspends it. */
        CodeExecution runSuspending(String code, String conversation) {
            return suspending.run(Language.JAVASCRIPT, code, refundTools, NO_CONTEXT, conversation);
        }

        /** Suspends a program of the conversation at a refund call, then approves it; the nanoseconds of the decision. */
        long suspendAndApprove(String conversation) {
            CodeExecution suspended = runSuspending(APPROVED_CALL, conversation);
            if (suspended.pending() == null || suspended.result().error().type() != ErrorType.PENDING_APPROVAL) {
                throw new IllegalStateException("the program did not wait for approval: " + suspended.result());
            }
            long started = System.nanoTime();
            CodeExecution resumed = approvals.decide(suspended.pending().id(), ApprovalDecision.approve(), "bench");
            long elapsed = System.nanoTime() - started;
            if (!"1".equals(succeeded(resumed, APPROVED_CALL).result().resultJson())) {
                throw new IllegalStateException("the approved call did not answer the program: " + resumed.result());
            }
            return elapsed;
        }

        SessionState state(String conversation) {
            return store.load(new SessionKey(conversation, Language.JAVASCRIPT), MAX_STATE_BYTES)
                    .orElseThrow(() -> new IllegalStateException("no session state for " + conversation));
        }

        private static CodeExecution succeeded(CodeExecution execution, String code) {
            if (!execution.result().success()) {
                throw new IllegalStateException("benchmark program failed: " + execution.result().error() + "\n" + code);
            }
            return execution;
        }
    }

    /** A program that keeps {@code kib} KiB of its own in the session, every byte written. */
    private static String blob(int kib) {
        return "globalThis.blob = new Uint8Array(" + kib * 1024 + ").fill(1); return blob.length";
    }

    /** The executors' paths compiled by the JIT before anything is timed: trivial, session steps, approvals. */
    private void warmUp(Setup setup) {
        setup.run(blob(APPROVAL_STATE_KIB), "warm");
        setup.runSuspending(blob(APPROVAL_STATE_KIB), "warm-approval");
        long until = System.nanoTime() + Duration.ofMillis(quick ? 500 : 1500).toNanos();
        for (int i = 0; i < 50 || System.nanoTime() - until < 0; i++) {
            setup.run(TRIVIAL, null);
            setup.run(TRIVIAL, "warm");
            if (i % 5 == 0) {
                setup.suspendAndApprove("warm-approval");
            }
        }
        System.gc(); // the warm-up's garbage, collected before anything is timed
    }

    private Map<String, Object> resume(Setup setup) {
        Map<String, Object> bySize = new LinkedHashMap<>();
        for (int kib : STATE_KIB) {
            String conversation = "resume-" + kib;
            setup.run(blob(kib), conversation);
            int runs = kib >= 10 * 1024 ? (quick ? 10 : 30) : (quick ? 20 : 60);
            long[] trivial = new long[runs];
            long[] step = new long[runs];
            long[] sandboxTrivial = new long[runs];
            for (int i = -runs / 5; i < runs; i++) {
                long started = System.nanoTime();
                setup.run(TRIVIAL, null);
                long between = System.nanoTime();
                setup.run(TRIVIAL, conversation);
                long stepped = System.nanoTime();
                setup.runOnSandbox();
                long ended = System.nanoTime();
                if (i >= 0) {
                    trivial[i] = between - started;
                    step[i] = stepped - between;
                    sandboxTrivial[i] = ended - stepped;
                }
            }
            long stateBytes = setup.state(conversation).sizeBytes();
            bySize.put(kib + "KiB", versusTarget(stateBytes, step, trivial, sandboxTrivial, runs));
            setup.store.remove(new SessionKey(conversation, Language.JAVASCRIPT));
            System.gc();
        }
        return bySize;
    }

    private Map<String, Object> approvalResume(Setup setup) {
        String conversation = "approval-" + APPROVAL_STATE_KIB;
        setup.runSuspending(blob(APPROVAL_STATE_KIB), conversation);
        int runs = quick ? 15 : 40;
        long[] trivial = new long[runs];
        long[] decide = new long[runs];
        long[] sandboxTrivial = new long[runs];
        for (int i = -runs / 5; i < runs; i++) {
            long started = System.nanoTime();
            setup.run(TRIVIAL, null);
            long between = System.nanoTime();
            setup.runOnSandbox();
            long ended = System.nanoTime();
            long decision = setup.suspendAndApprove(conversation);
            if (i >= 0) {
                trivial[i] = between - started;
                sandboxTrivial[i] = ended - between;
                decide[i] = decision;
            }
        }
        // the suspended program's state: the session's pages plus the stack at the call (and its registers)
        CodeExecution suspended = setup.runSuspending(APPROVED_CALL, conversation);
        long suspendedBytes = suspended.pending().stateBytes();
        setup.approvals.decide(suspended.pending().id(), ApprovalDecision.deny("measured"), "bench");
        return versusTarget(suspendedBytes, decide, trivial, sandboxTrivial, runs);
    }

    /** p50s of a step against issue 16's target for it: 2 x trivial + the copy of the state's pages. */
    private static Map<String, Object> versusTarget(long stateBytes, long[] step, long[] trivial, long[] sandboxTrivial,
            int runs) {
        double stepNanos = percentile(step, 50);
        double trivialNanos = percentile(trivial, 50);
        long copyNanos = PageCopy.p50Nanos(stateBytes, runs);
        double target = 2 * trivialNanos + copyNanos;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("stateKiB", round(stateBytes / 1024.0));
        row.put("stepUs", us(stepNanos));
        row.put("trivialUs", us(trivialNanos));
        row.put("sandboxTrivialUs", us(percentile(sandboxTrivial, 50)));
        row.put("copyUs", us(copyNanos));
        row.put("targetUs", us(target));
        row.put("ratio", round(stepNanos / target));
        row.put("met", stepNanos <= target);
        return row;
    }

    private Map<String, Object> idleMemory(Setup setup) {
        Map<String, Object> bySize = new LinkedHashMap<>();
        setup.run("globalThis.x = 1", "idle-empty");
        long empty = setup.state("idle-empty").sizeBytes();
        bySize.put("emptyProgramStateKiB", round(empty / 1024.0));
        for (int kib : STATE_KIB) {
            String conversation = "idle-" + kib;
            long before = setup.store.stats().sessionBytes();
            setup.run(blob(kib), conversation);
            long held = setup.store.stats().sessionBytes() - before;
            long state = setup.state(conversation).sizeBytes();
            long wrote = kib * 1024L;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("programWroteKiB", kib);
            row.put("stateKiB", round(state / 1024.0));
            row.put("storeHoldsKiB", round(held / 1024.0));
            row.put("ratio", round((double) state / wrote));
            row.put("ratioBeyondEmptyProgram", round((double) (state - empty) / wrote));
            bySize.put(kib + "KiB", row);
            setup.store.remove(new SessionKey(conversation, Language.JAVASCRIPT));
        }
        return bySize;
    }
}
