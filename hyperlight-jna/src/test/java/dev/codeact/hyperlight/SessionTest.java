package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sessions: a program sees what the session's earlier programs left, on any VM of the image and layout; nothing of a
 * session reaches another session or an execution outside sessions; a program suspended at a host call goes on after
 * the call is answered, and the function runs once.
 */
@RequiresKvm
class SessionTest {
    private static final long MAX_STATE = 64L << 20;
    private static final ExecutionLimits LIMITS = ExecutionLimits.defaults();
    private static MicroVm first;
    private static MicroVm second;

    @BeforeAll
    static void boot() {
        first = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults());
        second = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults());
    }

    @AfterAll
    static void shutDown() {
        first.close();
        second.close();
    }

    private static SessionStep step(MicroVm vm, SessionState state, String code) {
        return vm.executeInSession(state, code, HostFunctions.none(), LIMITS, MAX_STATE);
    }

    private static String countUp() {
        return "globalThis.count = (globalThis.count ?? 0) + 1; return count;";
    }

    @Test
    void globalsCarryOverWithinASessionOnAnyVmAndNowhereElse() {
        SessionStep one = step(first, first.newSession(), "Object.prototype.polluted = 'yes'; " + countUp());
        assertThat(one.result().resultJson()).isEqualTo("1");
        assertThat(one.advanced()).isTrue();
        assertThat(one.state().sizeBytes()).isPositive().isEqualTo(one.state().data().bytes());
        SessionStep two = step(second, one.state(), countUp()); // another VM
        assertThat(two.result().resultJson()).isEqualTo("2");
        SessionStep three = step(first, two.state(), "return [count, ({}).polluted]");
        assertThat(three.result().resultJson()).isEqualTo("[2,\"yes\"]");

        SessionStep other = step(first, first.newSession(), "return [globalThis.count = 1, ({}).polluted];");
        assertThat(other.result().resultJson()).isEqualTo("[1,null]");
        for (MicroVm vm : new MicroVm[] {first, second}) {
            ExecutionResult plain = vm.execute("return [typeof count, typeof ({}).polluted]", HostFunctions.none(), LIMITS);
            assertThat(plain.resultJson()).isEqualTo("[\"undefined\",\"undefined\"]");
            assertThat(vm.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    /**
     * Pages a step left as they were are write-protected again, so that they leave the dirty log (a blob made once is
     * not read and compared at every later step); a program that writes them later, with the same bytes or others, is
     * still seen by the session, by another VM and by the restore.
     */
    @Test
    void aPageLeftAsItWasLeavesTheLogAndALaterWriteToItIsStillSeen() {
        SessionState state = step(first, first.newSession(), "globalThis.blob = new Uint8Array(1 << 20).fill(1); return 1")
                .state();
        for (int i = 0; i < 3; i++) {
            state = step(first, state, "return blob[123456]").state(); // the blob, left as it was
        }
        state = step(first, state, "blob[5] = 1; return blob[5]").state(); // written with the same byte
        SessionStep written = step(first, state, "blob[5] = 9; blob[700000] = 7; return blob[700000]");
        assertThat(written.result().resultJson()).isEqualTo("7");
        SessionStep elsewhere = step(second, written.state(), "return [blob[5], blob[700000], blob[6], blob.length]");
        assertThat(elsewhere.result().resultJson()).isEqualTo("[9,7,1,1048576]");
        SessionStep back = step(first, elsewhere.state(), "return [blob[5], blob[700000], blob[1048575]]");
        assertThat(back.result().resultJson()).isEqualTo("[9,7,1]");
        for (MicroVm vm : new MicroVm[] {first, second}) {
            assertThat(vm.execute("return typeof blob", HostFunctions.none(), LIMITS).resultJson()).isEqualTo("\"undefined\"");
            assertThat(vm.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    @Test
    void timersAndLateErrorsAProgramLeftPendingEndWithIt() {
        SessionStep one = step(first, first.newSession(), """
                setTimeout(() => { globalThis.fired = true; }, 0);
                setTimeout(() => { throw new Error('late'); }, 0);
                globalThis.kept = 1;
                return Math.ceil(performance.now());""");
        // the guest's clock starts at 0 in each execution: waiting longer than the first one ran makes its timers due
        long wait = Long.parseLong(one.result().resultJson()) + 20;
        SessionStep two = step(second, one.state(), "await new Promise((r) => setTimeout(r, " + wait + "));"
                + " return [typeof fired, kept]");
        assertThat(two.result().resultJson()).isEqualTo("[\"undefined\",1]");
    }

    @Test
    void aSessionGoesFromVmToVmOfThePoolAndResumesOnWhicheverIsFree() {
        SandboxPool pool = SharedPool.get();
        HostFunctions functions = HostFunctions.builder().register("transfer", args -> {
            throw new SuspendCall("needs approval");
        }).build();
        SessionState state = pool.newSession();
        for (int i = 1; i <= 6; i++) {
            SessionStep step = pool.executeInSession(state, countUp(), functions, LIMITS, MAX_STATE);
            assertThat(step.result().resultJson()).isEqualTo(String.valueOf(i));
            state = step.state();
        }
        SessionStep asking = pool.executeInSession(state, "return [count, call_tool('transfer', {})]", functions, LIMITS, MAX_STATE);
        assertThat(asking.suspended()).isTrue();
        assertThat(pool.resume(asking.state(), HostCallAnswer.result("\"ok\""), functions, LIMITS, MAX_STATE).result()
                .resultJson()).isEqualTo("[6,\"ok\"]");
        assertThat(pool.execute("return typeof count", functions, LIMITS).resultJson()).isEqualTo("\"undefined\"");
    }

    @ParameterizedTest
    @EnumSource(RestoreStrategy.class)
    void bothRestoreStrategiesCarryASessionAndComeBackToTheSnapshot(RestoreStrategy strategy) {
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), strategy)) {
            SessionState state = vm.newSession();
            for (int i = 1; i <= 3; i++) {
                SessionStep s = step(vm, state, "globalThis.big = (globalThis.big ?? '') + 'x'.repeat(100000); " + countUp());
                assertThat(s.result().resultJson()).isEqualTo(String.valueOf(i));
                state = s.state();
            }
            assertThat(step(vm, state, "return big.length").result().resultJson()).isEqualTo("300000");
            assertThat(vm.execute("return typeof big", HostFunctions.none(), LIMITS).resultJson()).isEqualTo("\"undefined\"");
            assertThat(vm.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    @Test
    void aFailedProgramStillMovesTheSessionOnAsANotebookDoes() {
        SessionStep failed = step(first, first.newSession(), "globalThis.kept = 'before the throw'; throw new Error('boom')");
        assertThat(failed.result().error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(failed.advanced()).isTrue();
        assertThat(step(first, failed.state(), "return kept").result().resultJson()).isEqualTo("\"before the throw\"");
    }

    @Test
    void stateOfAnotherImageOrLayoutIsRefusedBeforeAnythingRuns() {
        SessionState state = step(first, first.newSession(), countUp()).state();
        try (MicroVm hostile = MicroVm.start(GuestImage.fromResource("/dev/codeact/hyperlight/testguest/hostile-guest.elf"),
                GuestMemorySizes.defaults())) {
            assertThatThrownBy(() -> step(hostile, state, "ok")).isInstanceOfSatisfying(SessionStateException.class,
                    e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.OTHER_IMAGE));
        }
        GuestMemorySizes smaller = new GuestMemorySizes(64L << 20, GuestMemorySizes.DEFAULT_STACK_BYTES,
                GuestMemorySizes.DEFAULT_IN_BUFFER_BYTES, GuestMemorySizes.DEFAULT_OUT_BUFFER_BYTES,
                GuestMemorySizes.DEFAULT_LOG_BUFFER_BYTES);
        try (MicroVm other = MicroVm.start(GuestImage.quickJs(), smaller)) {
            assertThatThrownBy(() -> step(other, state, countUp())).isInstanceOfSatisfying(SessionStateException.class,
                    e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.OTHER_LAYOUT));
            assertThat(other.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    @Test
    void aPythonSessionKeepsItsModuleNamespaceAndImports() {
        try (MicroVm python = MicroVm.start(GuestImage.python(), GuestMemorySizes.defaults())) {
            SessionStep one = step(python, python.newSession(), "import json\ndata = {'a': 1}\nlen(data)");
            assertThat(one.result().resultJson()).isEqualTo("1");
            SessionStep two = step(python, one.state(), "data['b'] = 2");
            assertThat(two.result().resultJson()).as("no final expression: no result, not the last one's").isEqualTo("null");
            assertThat(step(python, two.state(), "json.dumps(data)").result().resultJson()).isEqualTo("\"{\\\"a\\\": 1, \\\"b\\\": 2}\"");
            assertThat(step(python, python.newSession(), "'data' in globals()").result().resultJson()).isEqualTo("false");
            assertThat(python.execute("['data' in globals(), 'json' in globals()]", HostFunctions.none(), LIMITS).resultJson())
                    .isEqualTo("[false,false]");

            HostFunctions functions = HostFunctions.builder().register("transfer", args -> {
                throw new SuspendCall("needs approval");
            }).build();
            SessionStep asking = python.executeInSession(python.newSession(),
                    "before = 'kept'\nr = call_tool('transfer', amount=5)\n[before, r['id']]", functions, LIMITS, MAX_STATE);
            assertThat(asking.suspended()).isTrue();
            assertThat(asking.state().pendingCall().orElseThrow().argumentsJson()).isEqualTo("{\"amount\":5}");
            assertThat(python.resume(asking.state(), HostCallAnswer.result("{\"id\":\"tx-1\"}"), functions, LIMITS, MAX_STATE)
                    .result().resultJson()).isEqualTo("[\"kept\",\"tx-1\"]");
            SessionStep denying = python.executeInSession(python.newSession(),
                    "try:\n    call_tool('transfer')\n    r = 'ran'\nexcept ToolError as e:\n    r = str(e)\nr", functions, LIMITS,
                    MAX_STATE);
            assertThat(python.resume(denying.state(), HostCallAnswer.error("denied by alice"), functions, LIMITS, MAX_STATE)
                    .result().resultJson()).isEqualTo("\"denied by alice\"");
            assertThat(python.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    @Test
    void aGuestThatWrecksItsOwnMemoryInASessionWrecksOnlyThatSession() {
        try (MicroVm hostile = MicroVm.start(GuestImage.fromResource("/dev/codeact/hyperlight/testguest/hostile-guest.elf"),
                GuestMemorySizes.defaults())) {
            SessionStep wrecked = step(hostile, hostile.newSession(), "scribble");
            assertThat(wrecked.result().resultJson()).isEqualTo("\"scribbled\"");
            assertThat(wrecked.state().data().bytes()).isGreaterThanOrEqualTo(256L << 10);
            assertThat(step(hostile, wrecked.state(), "heap-scribbled").result().resultJson()).isEqualTo("true");
            SessionStep crashed = step(hostile, wrecked.state(), "invalid-opcode");
            assertThat(crashed.result().error().type()).isEqualTo(ErrorType.GUEST_CRASH);
            assertThat(crashed.advanced()).isFalse();
            assertThat(crashed.state()).isSameAs(wrecked.state());

            assertThat(step(hostile, hostile.newSession(), "heap-scribbled").result().resultJson()).isEqualTo("false");
            assertThat(hostile.execute("heap-scribbled", HostFunctions.none(), LIMITS).resultJson()).isEqualTo("false");
            assertThat(hostile.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    @Test
    void aStateLargerThanTheBoundFailsTypedAndIsNeverTruncated() {
        long bound = 256L << 10;
        SessionStep small = first.executeInSession(first.newSession(), countUp(), HostFunctions.none(), LIMITS, bound);
        assertThatThrownBy(() -> first.executeInSession(small.state(),
                "globalThis.blob = new Uint8Array(1 << 20).fill(7); console.log('made'); return blob.length",
                HostFunctions.none(), LIMITS, bound))
                .isInstanceOfSatisfying(SessionStateException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SessionStateException.Reason.TOO_LARGE);
                    assertThat(e.result().resultJson()).isEqualTo("1048576");
                    assertThat(e.result().stdout()).isEqualTo("made\n");
                });
        SessionState big = step(first, small.state(), "globalThis.blob = new Uint8Array(1 << 20).fill(7)").state();
        assertThat(big.sizeBytes()).isGreaterThan(1L << 20);
        assertThatThrownBy(() -> first.executeInSession(big, "return 1", HostFunctions.none(), LIMITS, bound))
                .isInstanceOfSatisfying(SessionStateException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SessionStateException.Reason.TOO_LARGE);
                    assertThat(e.result()).isNull();
                });
    }

    @Test
    void anApprovedCallGoesOnOnAnotherVmAndItsFunctionRunsOnce() {
        AtomicInteger asked = new AtomicInteger();
        HostFunctions functions = HostFunctions.builder().register("transfer", args -> {
            asked.incrementAndGet();
            throw new SuspendCall("needs approval");
        }).build();
        String program = """
                globalThis.before = 'kept';
                console.log('asking');
                const r = call_tool('transfer', {amount: 5});
                console.log('approved');
                return {r, before, now: Date.now() >= performance.timeOrigin};""";
        SessionStep asking = first.executeInSession(first.newSession(), program, functions, LIMITS, MAX_STATE);
        assertThat(asking.suspended()).isTrue();
        assertThat(asking.result().stdout()).isEqualTo("asking\n");
        SessionState.PendingCall call = asking.state().pendingCall().orElseThrow();
        assertThat(call.name()).isEqualTo("transfer");
        assertThat(call.argumentsJson()).isEqualTo("{\"amount\":5}");
        assertThat(call.reason()).isEqualTo("needs approval");
        assertThat(asking.state().stack().count()).isPositive();
        assertThatThrownBy(() -> step(first, asking.state(), "return 1")).isInstanceOfSatisfying(SessionStateException.class,
                e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.SUSPENDED));

        SessionStep done = second.resume(asking.state(), HostCallAnswer.result("{\"id\":\"tx-1\"}"), functions, LIMITS, MAX_STATE);
        assertThat(done.result().error()).isNull();
        assertThat(done.result().stdout()).isEqualTo("approved\n");
        assertThat(done.result().resultJson()).isEqualTo("{\"r\":{\"id\":\"tx-1\"},\"before\":\"kept\",\"now\":true}");
        assertThat(done.suspended()).isFalse();
        assertThat(asked).hasValue(1);
        assertThat(step(first, done.state(), "return before").result().resultJson()).isEqualTo("\"kept\"");
        assertThat(first.execute("return typeof before", HostFunctions.none(), LIMITS).resultJson()).isEqualTo("\"undefined\"");
        assertThat(second.firstAddressDifferingFromSnapshot()).isEmpty();
    }

    @Test
    void registersFromAStoreAreResumedOnlyWithFlagsARing3ProgramSetsItself() {
        HostFunctions functions = HostFunctions.builder().register("transfer", args -> {
            throw new SuspendCall("needs approval");
        }).build();
        SessionState suspended = first.executeInSession(first.newSession(), "return call_tool('transfer', {}) + 1",
                functions, LIMITS, MAX_STATE).state();
        byte[] registers = suspended.registers();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(registers).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int rflags = dev.codeact.hyperlight.kvm.KvmApi.REGS_RFLAGS;
        b.putLong(rflags, b.getLong(rflags) | 0x100 | 0x40000); // trap flag, alignment check: a tampered store
        SessionState tampered = new SessionState(suspended.imageKey(), suspended.layout(), suspended.data(), suspended.stack(),
                registers, suspended.pendingCall().orElseThrow(), suspended.hostCalls());
        SessionStep done = second.resume(tampered, HostCallAnswer.result("41"), functions, LIMITS, MAX_STATE);
        assertThat(done.result().resultJson()).isEqualTo("42");
        assertThat(second.firstAddressDifferingFromSnapshot()).isEmpty();
    }

    @Test
    void aDeniedCallIsAToolErrorTheProgramSees() {
        HostFunctions functions = HostFunctions.builder().register("delete_all", args -> {
            throw new SuspendCall("needs approval");
        }).build();
        SessionStep asking = first.executeInSession(first.newSession(), """
                try { call_tool('delete_all', {}); return 'ran'; }
                catch (e) { return [e.name, e.message, e instanceof ToolError]; }""", functions, LIMITS, MAX_STATE);
        SessionStep denied = second.resume(asking.state(), HostCallAnswer.error("denied by alice"), functions, LIMITS, MAX_STATE);
        assertThat(denied.result().resultJson()).isEqualTo("[\"ToolError\",\"denied by alice\",true]");

        SessionStep uncaught = first.executeInSession(first.newSession(), "call_tool('delete_all', {}); return 'ran'",
                functions, LIMITS, MAX_STATE);
        SessionStep failed = first.resume(uncaught.state(), HostCallAnswer.error("denied"), functions, LIMITS, MAX_STATE);
        assertThat(failed.result().error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        assertThat(failed.result().error().message()).contains("denied");
    }

    @Test
    void outsideASessionACallCannotSuspend() {
        HostFunctions functions = HostFunctions.builder().register("transfer", args -> {
            throw new SuspendCall("needs approval");
        }).build();
        ExecutionResult r = first.execute("try { call_tool('transfer', {}); } catch (e) { return e.message }", functions, LIMITS);
        assertThat(r.resultJson()).contains("only a session");
    }

    @Test
    void runningOutOfMemoryOrTimeLeavesTheSessionWhereItWasAndTheVmPristine() {
        SessionState kept = step(first, first.newSession(), "globalThis.kept = 41; return kept").state();
        SessionStep oom = first.executeInSession(kept, "globalThis.kept = 0; const a = []; for (;;) a.push('x'.repeat(1000) + a.length)",
                HostFunctions.none(), LIMITS.withMemoryBytes(8L << 20), MAX_STATE);
        assertThat(oom.result().error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        assertThat(oom.advanced()).isFalse();
        assertThat(oom.state()).isSameAs(kept);
        SessionStep runaway = first.executeInSession(kept, "globalThis.kept = 0; for (;;) {}", HostFunctions.none(),
                LIMITS.withTimeout(Duration.ofMillis(50)), MAX_STATE);
        assertThat(runaway.result().error().type()).isEqualTo(ErrorType.TIMEOUT);
        // the guest reporting the soft stop moves the session on (its runtime is whole); a forced stop does not
        assertThat(step(first, runaway.state(), "return kept + 1").result().resultJson())
                .isEqualTo(runaway.advanced() ? "1" : "42");
        assertThat(step(first, kept, "return kept + 1").result().resultJson()).isEqualTo("42");
        assertThat(first.execute("return typeof kept", HostFunctions.none(), LIMITS).resultJson()).isEqualTo("\"undefined\"");
        assertThat(first.firstAddressDifferingFromSnapshot()).isEmpty();
    }

    @Test
    void aSuspendedStateGoesThroughBytesAndBadBytesAreRefusedWhole() {
        HostFunctions functions = HostFunctions.builder().register("transfer", args -> {
            throw new SuspendCall("needs approval");
        }).build();
        SessionStep asking = first.executeInSession(first.newSession(),
                "globalThis.n = 40; const r = call_tool('transfer', {to: 'bob'}); return n + r", functions, LIMITS, MAX_STATE);
        byte[] bytes = SessionStateCodec.encode(asking.state());
        SessionState decoded = SessionStateCodec.decode(bytes, MAX_STATE);
        assertThat(decoded.sizeBytes()).isEqualTo(asking.state().sizeBytes());
        assertThat(decoded.pendingCall()).isEqualTo(asking.state().pendingCall());
        assertThat(decoded.data()).isEqualTo(asking.state().data());
        assertThat(second.resume(decoded, HostCallAnswer.result("2"), functions, LIMITS, MAX_STATE).result().resultJson())
                .isEqualTo("42");

        assertThatThrownBy(() -> SessionStateCodec.decode(bytes, asking.state().sizeBytes() - 1))
                .isInstanceOfSatisfying(SessionStateException.class,
                        e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.TOO_LARGE));
        for (byte[] bad : new byte[][] {java.util.Arrays.copyOf(bytes, bytes.length - 1), java.util.Arrays.copyOf(bytes, 12),
            new byte[0], flipped(bytes, 0), java.util.Arrays.copyOf(bytes, bytes.length + 1)}) {
            assertThatThrownBy(() -> SessionStateCodec.decode(bad, MAX_STATE)).isInstanceOfSatisfying(SessionStateException.class,
                    e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.MALFORMED));
        }
        byte[] hugeCount = bytes.clone();
        int dataCountAt = 8 + 4 + asking.state().imageKey().length() + 15 * 8;
        java.nio.ByteBuffer.wrap(hugeCount).putInt(dataCountAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> SessionStateCodec.decode(hugeCount, Long.MAX_VALUE)).hasMessageContaining("page count")
                .isInstanceOfSatisfying(
                SessionStateException.class, e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.MALFORMED));
    }

    private static byte[] flipped(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x55;
        return copy;
    }
}
