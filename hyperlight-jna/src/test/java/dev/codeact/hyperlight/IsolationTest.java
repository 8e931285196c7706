package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
