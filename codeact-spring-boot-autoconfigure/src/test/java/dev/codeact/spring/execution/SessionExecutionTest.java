package dev.codeact.spring.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalDecision;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.policy.approval.ApprovalMode;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.PendingApproval;
import dev.codeact.spring.session.SessionKey;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.session.SuspendedProgram;
import dev.codeact.spring.testing.AdjustableClock;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Sessions and suspended approvals through CodeActExecutor and CodeActApprovals, on the KVM backend with the
 * in-memory store: what a conversation's programs carry, where it does not go, and a program that waits for a person.
 */
@RequiresKvm
class SessionExecutionTest {
    private static final long MAX_STATE_BYTES = 4L << 20;

    static class OrderTools {
        final AtomicInteger cancels = new AtomicInteger();
        final List<Map<String, Object>> contexts = new CopyOnWriteArrayList<>();

        @Tool(description = "Cancel an order.")
        String cancel_order(String orderId, ToolContext context) {
            cancels.incrementAndGet();
            contexts.add(context.getContext());
            return "cancelled " + orderId;
        }

        @Tool(description = "Look an order up.")
        String order_details(String orderId) {
            return "order " + orderId;
        }
    }

    private final OrderTools orders = new OrderTools();
    private final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final InMemorySessionStore store = new InMemorySessionStore(clock);
    private final List<ApprovalRecord> decisions = new CopyOnWriteArrayList<>();

    private final io.micrometer.core.instrument.MeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    private final ObservationRegistry observations = ObservationRegistry.create();

    {
        observations.observationConfig().observationHandler(
                new io.micrometer.core.instrument.observation.DefaultMeterObservationHandler(meters));
    }

    private CodeActExecutor executor(CodeSandbox sandbox, boolean sessions, boolean suspend, long maxStateBytes) {
        ToolCatalog catalog = new ToolCatalog(() -> ToolInventory.of(List.of(ToolCallbacks.from(orders))), List.of("*"),
                List.of(), List.of(), suspend ? new ApprovalGate(List.of("cancel_order"), null, ApprovalMode.SUSPEND)
                        : ApprovalGate.NONE);
        return new CodeActExecutor(sandbox, catalog, ExecutionLimits.defaults(), ExecutionListener.NONE,
                observations, SandboxServices.defaults(), Language.JAVASCRIPT,
                new SessionSettings(store, sessions, Duration.ofMinutes(30), maxStateBytes, suspend, Duration.ofMinutes(10),
                        clock));
    }

    private CodeActExecutor sessions() {
        return executor(TestSandboxes.kvm(), true, false, MAX_STATE_BYTES);
    }

    private static CodeExecution run(CodeActExecutor executor, Language language, String code, String conversation) {
        return executor.run(language, code, executor.catalog().select(List.of()), new ToolContext(Map.of("user", "ada")),
                conversation);
    }

    private static String result(CodeExecution execution) {
        assertThat(execution.result().error()).as("error").isNull();
        return execution.result().resultJson();
    }

    @Test
    void globalsCarryWithinAConversationAndNowhereElse() {
        CodeActExecutor executor = sessions();
        String count = "globalThis.n = (globalThis.n ?? 0) + 1; return n;";
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("1");
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("2");
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "b"))).isEqualTo("1");
        assertThat(result(run(executor, Language.JAVASCRIPT, count, null))).isEqualTo("1");
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("3");
        assertThat(result(run(executor, Language.JAVASCRIPT, "return typeof globalThis.n", null))).isEqualTo("\"undefined\"");
        CodeExecution third = run(executor, Language.JAVASCRIPT, "return n", "a");
        assertThat(third.conversationId()).isEqualTo("a");
        assertThat(store.stats().sessions()).isEqualTo(2);
    }

    @Test
    void programsOfOneConversationStartedTogetherRunOneAfterAnother() throws Exception {
        CodeActExecutor executor = sessions();
        int programs = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(programs);
        try {
            List<Future<CodeExecution>> runs = new ArrayList<>();
            for (int i = 0; i < programs; i++) {
                runs.add(threads.submit((Callable<CodeExecution>) () -> {
                    go.await();
                    return run(executor, Language.JAVASCRIPT, "globalThis.n = (globalThis.n ?? 0) + 1; return n;", "busy");
                }));
            }
            go.countDown();
            List<String> seen = new ArrayList<>();
            for (Future<CodeExecution> r : runs) {
                seen.add(result(r.get()));
            }
            assertThat(seen).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
        } finally {
            threads.shutdownNow();
        }
        assertThat(result(run(executor, Language.JAVASCRIPT, "return n", "busy"))).isEqualTo("8");
    }

    @Test
    void pythonNamesAndImportsCarryWithinAConversation() {
        CodeActExecutor executor = sessions();
        assertThat(result(run(executor, Language.PYTHON, "import statistics\ndata = [3, 1, 2]\nlen(data)", "p"))).isEqualTo("3");
        assertThat(result(run(executor, Language.PYTHON, "data.append(10)\nstatistics.mean(data)", "p"))).isEqualTo("4");
        assertThat(run(executor, Language.PYTHON, "data", "q").result().error().message()).contains("NameError");
        // one conversation's JavaScript and Python programs have a state each
        assertThat(result(run(executor, Language.JAVASCRIPT, "return typeof globalThis.data", "p"))).isEqualTo("\"undefined\"");
    }

    @Test
    void withSessionsOffAConversationIdChangesNothing() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, false, MAX_STATE_BYTES);
        String count = "globalThis.n = (globalThis.n ?? 0) + 1; return n;";
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("1");
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("1");
        assertThat(store.stats().sessions()).isZero();
    }

    @Test
    void aSessionPastTheTtlStartsFresh() {
        CodeActExecutor executor = sessions();
        String count = "globalThis.n = (globalThis.n ?? 0) + 1; return n;";
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("1");
        clock.advance(Duration.ofMinutes(29));
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("2"); // 30m since last use
        clock.advance(Duration.ofMinutes(30));
        assertThat(result(run(executor, Language.JAVASCRIPT, count, "a"))).isEqualTo("1");
    }

    @Test
    void aSessionThatOutgrowsMaxBytesFailsTypedAndIsDropped() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), true, false, 1L << 20);
        assertThat(result(run(executor, Language.JAVASCRIPT, "globalThis.n = 41; return n", "big"))).isEqualTo("41");
        CodeExecution grown = run(executor, Language.JAVASCRIPT,
                "globalThis.blob = 'x'.repeat(3 << 20); console.log('made'); return blob.length", "big");
        assertThat(grown.result().error().type()).isEqualTo(ErrorType.SESSION_LIMIT);
        assertThat(grown.result().error().message()).contains("codeact.sessions.max-bytes (1048576 bytes)")
                .contains("the session was dropped");
        assertThat(grown.result().stdout()).isEqualTo("made\n");
        assertThat(store.load(new SessionKey("big", Language.JAVASCRIPT), Long.MAX_VALUE)).isEmpty();
        assertThat(result(run(executor, Language.JAVASCRIPT, "return typeof globalThis.n", "big"))).isEqualTo("\"undefined\"");
    }

    @Test
    void aStateOfAnotherGuestImageIsRefusedNeverRestoredAndDropped() {
        CodeActExecutor executor = sessions();
        assertThat(result(run(executor, Language.PYTHON, "x = 1\nx", "mixed"))).isEqualTo("1");
        SessionState python = store.load(new SessionKey("mixed", Language.PYTHON), Long.MAX_VALUE).orElseThrow();
        store.save(new SessionKey("mixed", Language.JAVASCRIPT), python, Duration.ofMinutes(5));
        CodeExecution refused = run(executor, Language.JAVASCRIPT, "globalThis.ran = true; return 1", "mixed");
        assertThat(refused.result().error().type()).isEqualTo(ErrorType.SESSION_REFUSED);
        assertThat(refused.result().error().message()).contains("OTHER_IMAGE").contains("the session was dropped");
        assertThat(refused.result().stdout()).isEmpty();
        assertThat(store.load(new SessionKey("mixed", Language.JAVASCRIPT), Long.MAX_VALUE)).isEmpty();
        assertThat(result(run(executor, Language.JAVASCRIPT, "return typeof globalThis.ran", "mixed")))
                .isEqualTo("\"undefined\"");
    }

    @Test
    void hostileProgramsInASessionStayInIt() {
        CodeActExecutor executor = sessions();
        String wreck = """
                Object.prototype.polluted = 'yes';
                Array.prototype.map = function () { return ['hijacked']; };
                JSON.stringify = () => '"forged"';
                globalThis.call_tool = async () => 'fake';
                return 1;
                """;
        assertThat(result(run(executor, Language.JAVASCRIPT, wreck, "evil"))).isEqualTo("1");
        String probe = "return [({}).polluted ?? 'none', [1].map(x => x + 1)[0], typeof JSON.stringify(1)];";
        assertThat(result(run(executor, Language.JAVASCRIPT, probe, "good"))).isEqualTo("[\"none\",2,\"string\"]");
        assertThat(result(run(executor, Language.JAVASCRIPT, probe, null))).isEqualTo("[\"none\",2,\"string\"]");
        // the protocol does not take the program's word: the result still comes back as JSON of the real value
        CodeExecution inEvil = run(executor, Language.JAVASCRIPT, "return [({}).polluted, 5]", "evil");
        assertThat(inEvil.result().resultJson()).isEqualTo("[\"yes\",5]");
        // a program's own call_tool reaches the real tool in every session, the one that replaced it included
        String lookUp = "return await call_tool('order_details', {orderId: 'o-1'})";
        assertThat(result(run(executor, Language.JAVASCRIPT, lookUp, "evil"))).isEqualTo("\"order o-1\"");
        assertThat(result(run(executor, Language.JAVASCRIPT, lookUp, "good"))).isEqualTo("\"order o-1\"");
    }

    @Test
    void aRunawayOrOutOfMemoryProgramRollsItsSessionBack() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), true, false, 64L << 20);
        assertThat(result(run(executor, Language.JAVASCRIPT, "globalThis.kept = 'before'; return 1", "r"))).isEqualTo("1");
        CodeExecution oom = run(executor, Language.JAVASCRIPT,
                "globalThis.kept = 'during'; const a = []; while (true) a.push('y'.repeat(1 << 16) + a.length);", "r");
        assertThat(oom.result().error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        assertThat(result(run(executor, Language.JAVASCRIPT, "return globalThis.kept", "r"))).isEqualTo("\"before\"");
    }

    // ---- approvals ----

    private CodeActApprovals approvals(CodeActExecutor executor) {
        return new CodeActApprovals(executor, decisions::add, ObservationRegistry.NOOP);
    }

    private static final String CANCEL = """
            console.log('before');
            let outcome;
            try {
              outcome = await call_tool('cancel_order', {orderId: 'o-7'});
            } catch (e) {
              outcome = 'refused: ' + e.message;
            }
            console.log('after');
            return outcome;
            """;

    @Test
    void aSuspendedProgramApprovedRunsTheToolOnceAndContinues() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        CodeExecution suspended = run(executor, Language.JAVASCRIPT, CANCEL, null);
        assertThat(suspended.result().error().type()).isEqualTo(ErrorType.PENDING_APPROVAL);
        assertThat(suspended.result().stdout()).isEqualTo("before\n");
        PendingApproval pending = suspended.pending();
        assertThat(pending.tool()).isEqualTo("cancel_order");
        assertThat(pending.argumentsJson()).isEqualTo("{\"orderId\":\"o-7\"}");
        assertThat(pending.toolContext()).containsEntry("user", "ada");
        assertThat(pending.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(suspended.result().error().message()).contains(pending.id()).contains("cancel_order");
        assertThat(orders.cancels).hasValue(0);
        assertThat(approvals.pending()).containsExactly(pending);

        CodeExecution done = approvals.decide(pending.id(), ApprovalDecision.approve(), "grace");
        assertThat(result(done)).isEqualTo("\"cancelled o-7\"");
        assertThat(done.result().stdout()).isEqualTo("after\n");
        assertThat(done.toolsCalled()).containsExactly("cancel_order");
        assertThat(orders.cancels).hasValue(1);
        assertThat(orders.contexts.get(0)).containsEntry("user", "ada");
        assertThat(approvals.pending()).isEmpty();
        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.decidedBy()).isEqualTo("grace");
            assertThat(d.outcome()).isEqualTo("approved");
            assertThat(d.decidedAt()).isEqualTo(clock.instant());
        });
        assertThatThrownBy(() -> approvals.decide(pending.id(), ApprovalDecision.approve(), "grace"))
                .isInstanceOf(UnknownApprovalException.class);
        assertThat(orders.cancels).hasValue(1);
        // metrics: the wait is neither a failed tool call nor a failed execution
        assertThat(meters.get(CodeActExecutor.TOOL_CALL_OBSERVATION).tag("tool", "cancel_order").tag("outcome", "suspended")
                .timer().count()).isEqualTo(1);
        assertThat(meters.get(CodeActExecutor.TOOL_CALL_OBSERVATION).tag("tool", "cancel_order").tag("outcome", "success")
                .timer().count()).isEqualTo(1);
        assertThat(meters.find(CodeActExecutor.TOOL_CALL_OBSERVATION).tag("outcome", "failure").timers()).isEmpty();
        assertThat(meters.get(CodeActExecutor.EXECUTION_OBSERVATION).tag("outcome", "pending_approval").tag("error", "none")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void aDeniedCallThrowsToolErrorInTheProgram() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        PendingApproval pending = run(executor, Language.JAVASCRIPT, CANCEL, null).pending();
        CodeExecution done = approvals.decide(pending.id(), ApprovalDecision.deny("customer called back"), "grace");
        assertThat(result(done)).isEqualTo(
                "\"refused: tool 'cancel_order' needs approval and was denied: customer called back; the tool did not run\"");
        assertThat(orders.cancels).hasValue(0);
        assertThat(decisions).singleElement().extracting(ApprovalRecord::outcome).isEqualTo("denied");
    }

    @Test
    void anExpiredApprovalIsDeniedWhateverTheDecision() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        PendingApproval late = run(executor, Language.JAVASCRIPT, CANCEL, null).pending();
        clock.advance(Duration.ofMinutes(11));
        CodeExecution done = approvals.decide(late.id(), ApprovalDecision.approve(), "grace");
        assertThat(result(done)).contains("denied: the approval expired at " + late.expiresAt());
        assertThat(orders.cancels).hasValue(0);

        PendingApproval never = run(executor, Language.JAVASCRIPT, CANCEL, null).pending();
        assertThat(approvals.expireDue()).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        List<CodeExecution> expired = approvals.expireDue();
        assertThat(expired).singleElement().satisfies(e -> assertThat(result(e)).contains("expired"));
        assertThat(approvals.find(never.id())).isEmpty();
        assertThat(decisions).extracting(ApprovalRecord::outcome).containsExactly("expired", "expired");
        assertThat(decisions.get(1).decidedBy()).isEqualTo(CodeActApprovals.EXPIRY);
        assertThat(orders.cancels).hasValue(0);
    }

    @Test
    void ofConcurrentDecisionsExactlyOneResumesAndTheToolRunsOnce() throws Exception {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        PendingApproval pending = run(executor, Language.JAVASCRIPT, CANCEL, null).pending();
        int deciders = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(deciders);
        try {
            List<Future<CodeExecution>> outcomes = new ArrayList<>();
            for (int i = 0; i < deciders; i++) {
                String who = "decider-" + i;
                outcomes.add(threads.submit((Callable<CodeExecution>) () -> {
                    go.await();
                    return approvals.decide(pending.id(), ApprovalDecision.approve(), who);
                }));
            }
            go.countDown();
            int won = 0;
            int lost = 0;
            for (Future<CodeExecution> outcome : outcomes) {
                try {
                    assertThat(result(outcome.get())).isEqualTo("\"cancelled o-7\"");
                    won++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(UnknownApprovalException.class);
                    lost++;
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(lost).isEqualTo(deciders - 1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(orders.cancels).hasValue(1);
        assertThat(decisions).hasSize(1);
    }

    @Test
    void anApprovedProgramOfAConversationLeavesItsStateToTheSession() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), true, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        assertThat(result(run(executor, Language.JAVASCRIPT, "globalThis.log = ['start']; return 1", "c"))).isEqualTo("1");
        CodeExecution suspended = run(executor, Language.JAVASCRIPT, """
                log.push('asked');
                const r = await call_tool('cancel_order', {orderId: 'o-9'});
                log.push(r);
                return log.length;
                """, "c");
        assertThat(suspended.pending().conversationId()).isEqualTo("c");
        // while it waits, the conversation's state is the one before the suspended program
        assertThat(result(run(executor, Language.JAVASCRIPT, "return log", "c"))).isEqualTo("[\"start\"]");
        CodeExecution done = approvals.decide(suspended.pending().id(), ApprovalDecision.approve(), "grace");
        assertThat(result(done)).isEqualTo("3");
        assertThat(done.conversationId()).isEqualTo("c");
        assertThat(result(run(executor, Language.JAVASCRIPT, "return log", "c")))
                .isEqualTo("[\"start\",\"asked\",\"cancelled o-9\"]");
    }

    @Test
    void aProgramSuspendedOnAnotherGuestImageIsRefusedBeforeItsToolRuns() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        // a Python program's suspended state, filed as a JavaScript program's: as after an upgrade of the guest image
        PendingApproval python = run(executor, Language.PYTHON, "call_tool('cancel_order', orderId='o-5')", null).pending();
        SuspendedProgram claimed = store.claimPending(python.id(), Long.MAX_VALUE).orElseThrow();
        PendingApproval filedAsJs = new PendingApproval(python.id(), null, Language.JAVASCRIPT, python.tool(),
                python.argumentsJson(), python.toolContext(), python.createdAt(), python.expiresAt(), python.stateBytes());
        store.savePending(new SuspendedProgram(filedAsJs, claimed.state()), Duration.ofHours(1));

        CodeExecution refused = approvals.decide(python.id(), ApprovalDecision.approve(), "grace");
        assertThat(refused.result().error().type()).isEqualTo(ErrorType.SESSION_REFUSED);
        assertThat(refused.result().error().message()).contains("OTHER_IMAGE").contains("the tool did not run");
        assertThat(orders.cancels).as("the tool must not run for a program that cannot continue").hasValue(0);
        assertThat(approvals.pending()).isEmpty();
    }

    @Test
    void pythonProgramsWaitForApprovalToo() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeActApprovals approvals = approvals(executor);
        CodeExecution suspended = run(executor, Language.PYTHON, """
                print("before")
                try:
                    outcome = call_tool("cancel_order", orderId="o-3")
                except ToolError as e:
                    outcome = "refused: " + str(e)
                outcome
                """, null);
        assertThat(suspended.result().error().type()).isEqualTo(ErrorType.PENDING_APPROVAL);
        assertThat(suspended.pending().language()).isEqualTo(Language.PYTHON);
        assertThat(result(approvals.decide(suspended.pending().id(), ApprovalDecision.approve(), "grace")))
                .isEqualTo("\"cancelled o-3\"");
        assertThat(orders.cancels).hasValue(1);
    }

    @Test
    void wrongArgumentsFailAtOnceWithoutAskingAnyone() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        CodeExecution wrong = run(executor, Language.JAVASCRIPT, "return await call_tool('cancel_order', {order: 1})", null);
        assertThat(wrong.pending()).isNull();
        assertThat(wrong.result().error().message()).contains("wrong arguments for tool 'cancel_order'");
        assertThat(store.stats().pendingApprovals()).isZero();
    }

    @Test
    void toolsWithoutApprovalRunAsBeforeInSuspendMode() {
        CodeActExecutor executor = executor(TestSandboxes.kvm(), false, true, MAX_STATE_BYTES);
        ExecutionResult r = run(executor, Language.JAVASCRIPT, "return await call_tool('order_details', {orderId: 'o-1'})",
                null).result();
        assertThat(r.resultJson()).isEqualTo("\"order o-1\"");
    }

    @Test
    void aSandboxWithoutSessionsSaysSoAtStart() {
        assertThatThrownBy(() -> executor(TestSandboxes.graalJs(), true, false, MAX_STATE_BYTES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the graaljs sandbox keeps no sessions")
                .hasMessageContaining("need the kvm backend");
        assertThatThrownBy(() -> executor(TestSandboxes.graalJs(), false, true, MAX_STATE_BYTES))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("approval-mode=suspend");
    }
}
