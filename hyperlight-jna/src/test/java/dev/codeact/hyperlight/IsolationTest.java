package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every execution starts from the snapshot: nothing one program leaves behind reaches the next. */
@RequiresKvm
class IsolationTest {

    @Test
    void globalsAndPrototypesDoNotLeakBetweenExecutionsOnOneVm() {
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
            ExecutionResult first = vm.execute("""
                    globalThis.secret = 'from the first program';
                    var leakedVar = 1;
                    Object.prototype.polluted = true;
                    Array.prototype.map = () => 'hijacked';
                    JSON.stringify = () => 'hijacked';
                    return 'set';""", HostFunctions.none(), ExecutionLimits.defaults());
            assertThat(first.resultJson()).isEqualTo("\"set\"");
            ExecutionResult second = vm.execute("""
                    return [typeof secret, typeof leakedVar, ({}).polluted === undefined, [1].map((x) => x + 1)];""",
                    HostFunctions.none(), ExecutionLimits.defaults());
            assertThat(second.resultJson()).isEqualTo("[\"undefined\",\"undefined\",true,[2]]");
        }
    }

    @Test
    void heapStateIsRestoredAfterLargeAllocations() {
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
            for (int i = 0; i < 5; i++) {
                ExecutionResult r = vm.execute("const a = []; for (let i = 0; i < 200000; i++) a.push({ i }); return a.length;",
                        HostFunctions.none(), ExecutionLimits.defaults());
                assertThat(r.resultJson()).isEqualTo("200000");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RestoreStrategy.class)
    void bothRestoreStrategiesBringBackTheSnapshot(RestoreStrategy strategy) {
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), strategy)) {
            for (int i = 0; i < 20; i++) {
                ExecutionResult r = vm.execute("""
                        const seen = typeof globalThis.marker;
                        globalThis.marker = %d;
                        const a = []; for (let j = 0; j < 5000; j++) a.push({j});
                        return [seen, a.length];""".formatted(i), HostFunctions.none(), ExecutionLimits.defaults());
                assertThat(r.resultJson()).as("run %d with %s", i, strategy).isEqualTo("[\"undefined\",5000]");
            }
            ExecutionResult crashed = vm.execute("globalThis.marker = 1; while (true) {}", HostFunctions.none(),
                    ExecutionLimits.defaults().withTimeout(Duration.ofMillis(50)));
            assertThat(crashed.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(vm.execute("return typeof marker", HostFunctions.none(), ExecutionLimits.defaults()).resultJson())
                    .isEqualTo("\"undefined\"");
        }
    }

    @ParameterizedTest
    @EnumSource(RestoreStrategy.class)
    void everyWritablePageIsBackToTheSnapshotAfterEachRestore(RestoreStrategy strategy) {
        String[] programs = {
            "return 1 + 1",
            "return call_tool('echo', {a: [1, 2, 3]}).a.length",
            "const a = []; for (let i = 0; i < 20000; i++) a.push({i, s: 'x' + i}); return a.length",
            "globalThis.leak = 'x'.repeat(100000); Object.prototype.p = 1; return 'ok'",
            "console.log('out'.repeat(1000)); throw new Error('boom')",
            "let s = 0; for (let i = 0; i < 1e5; i++) s += i; return s",
        };
        HostFunctions echo = HostFunctions.builder().register("echo", args -> args).build();
        java.util.Random random = new java.util.Random(42);
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), strategy)) {
            // past two relearn rounds, so pages are kept writable, dropped and kept again
            int runs = 2 * dev.codeact.hyperlight.memory.SlotSnapshot.RELEARN_EVERY_RESTORES + 10;
            for (int i = 0; i < runs; i++) {
                String program = i % 3 == 0 ? programs[0] : programs[random.nextInt(programs.length)];
                vm.execute(program, echo, ExecutionLimits.defaults());
                assertThat(vm.firstAddressDifferingFromSnapshot()).as("run %d (%s) with %s", i, program, strategy).isEmpty();
            }
        }
    }

    @Test
    void pagesATrivialProgramKeepsWritingStayWritableWithinTheBudget() {
        boolean manualProtect;
        try (dev.codeact.hyperlight.kvm.KvmVm probe = new dev.codeact.hyperlight.kvm.KvmVm()) {
            manualProtect = probe.enableManualDirtyLogProtect();
        }
        int most = manualProtect ? 2 * dev.codeact.hyperlight.memory.SlotSnapshot.STICKY_PAGE_BUDGET : 0;
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
            for (int i = 0; i < 3; i++) {
                vm.execute("return 1 + 1", HostFunctions.none(), ExecutionLimits.defaults());
                vm.restore();
            }
            assertThat(vm.writablePagesBetweenRestores()).isBetween(Math.min(1, most), most);
            vm.execute("const a = []; for (let i = 0; i < 200000; i++) a.push({i}); return a.length", HostFunctions.none(),
                    ExecutionLimits.defaults());
            vm.restore();
            assertThat(vm.writablePagesBetweenRestores()).isBetween(Math.min(1, most), most);
        }
    }

    @Test
    void mathRandomIsReseededForEveryExecution() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(SharedPool.run("return Math.random();").resultJson());
        }
        assertThat(seen).hasSize(20);
    }

    @Test
    void aCrashedExecutionLeavesNoTrace() {
        try (MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
            vm.execute("globalThis.x = 1; while (true) {}", HostFunctions.none(),
                    ExecutionLimits.defaults().withTimeout(java.time.Duration.ofMillis(100)));
            assertThat(vm.execute("return typeof x;", HostFunctions.none(), ExecutionLimits.defaults()).resultJson())
                    .isEqualTo("\"undefined\"");
        }
    }
}
