package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test-only guest (src-guest/test/hostile.c) breaks the host-call protocol and the machine in every way it
 * can; the program text names the attack. Each attack must end as a reported failure, and the same VM must
 * then run the next program normally.
 */
@RequiresKvm
class HostileGuestTest {
    private static final String IMAGE = "/dev/codeact/hyperlight/testguest/hostile-guest.elf";
    private static final HostFunctions ECHO = HostFunctions.builder().register("echo", HostFunctions.echo()).build();

    private static MicroVm vm;

    @BeforeAll
    static void boot() {
        vm = MicroVm.start(GuestImage.fromResource(IMAGE), GuestMemorySizes.defaults());
        ExecutionResult warmUp = run("ok");
        assertThat(warmUp.success()).as("warm-up: %s", warmUp.error()).isTrue();
    }

    @AfterAll
    static void shutDown() {
        if (vm != null) {
            vm.close();
        }
    }

    @AfterEach
    void vmStaysUsable() {
        assertThat(vm.isBroken()).isFalse();
        assertNextProgramRuns();
    }

    static Stream<Arguments> crashes() {
        return Stream.of(
                Arguments.of("request-length-past-buffer", new String[] {"host-call request length 4294967280", "exceeds"}),
                Arguments.of("request-bad-json", new String[] {"host-call request is not valid JSON"}),
                Arguments.of("request-bad-utf8", new String[] {"host-call request is not valid UTF-8"}),
                Arguments.of("unknown-port", new String[] {"unexpected I/O exit on port 0x99"}),
                Arguments.of("in-instruction", new String[] {"unexpected I/O exit", "port 0xe1", "direction 0"}),
                // Ring 3 has no IDT to land in: a page fault, an invalid opcode and a privileged HLT (#GP)
                // all end in a shutdown that the host reports with the faulting RIP.
                Arguments.of("write-page-tables", new String[] {"CPU exception #PF page fault at RIP 0x", "address 0x1000"}),
                Arguments.of("invalid-opcode", new String[] {"CPU exception #UD invalid opcode at RIP 0x"}),
                Arguments.of("triple-fault", new String[] {"shut down after an exception", "RIP 0x"}),
                Arguments.of("halt", new String[] {"CPU exception #GP general protection fault at RIP 0x"}),
                Arguments.of("log-length-past-buffer", new String[] {"console buffer length 65537", "exceeds the 65536-byte limit"}),
                Arguments.of("log-record-past-buffer", new String[] {"console record length 1000", "runs past"}),
                Arguments.of("outcome-length-past-buffer", new String[] {"outcome length 4294967295", "exceeds"}),
                Arguments.of("outcome-bad-json", new String[] {"outcome is not valid JSON"}),
                Arguments.of("abort-assert", new String[] {"the guest aborted (an assertion failed in the guest): heap.c: free list corrupt"}),
                Arguments.of("abort-unknown-code", new String[] {"the guest aborted (unknown abort code 3735928559): made up"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashes")
    void attackIsReportedAsAGuestCrash(String attack, String[] messageParts) {
        ExecutionResult r = run(attack);

        assertThat(r.success()).as("%s must fail", attack).isFalse();
        assertThat(r.resultJson()).isNull();
        assertThat(r.error().type()).as("%s: %s", attack, r.error().message()).isEqualTo(ErrorType.GUEST_CRASH);
        assertThat(r.error().message()).contains(messageParts);
    }

    @Test
    void stackOverflowHitsTheGuardPage() {
        ExecutionResult r = run("stack-overflow");

        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).as(r.error().message()).isEqualTo(ErrorType.STACK_OVERFLOW);
        assertThat(r.error().message()).contains("guard page");
    }

    @Test
    void writeToTheCodePageDoesNotModifyIt() {
        ExecutionResult r = run("write-code");

        assertThat(r.resultJson()).as("result of write-code (error: %s)", r.error()).isNotEqualTo("\"code-modified\"");
        assertThat(r.error().type()).isEqualTo(ErrorType.GUEST_CRASH);
        assertThat(r.error().message()).contains("CPU exception #PF page fault", "address 0x100000", "error code 0x7");
        // The entry point is at 0x100000: had the write landed, the 0xCC bytes (int3) would crash the next run,
        // which @AfterEach checks.
    }

    @Test
    void aCallerThreadThatBlockedTheKickSignalStillGetsItsRunawayKilled() throws Exception {
        try (MicroVm onCaller = MicroVm.start(GuestImage.fromResource(IMAGE), GuestMemorySizes.defaults(),
                dev.codeact.hyperlight.memory.RestoreStrategy.DIRTY_PAGE_COPY, VcpuThreading.CALLER)) {
            java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                ExecutionResult r = thread.submit(() -> {
                    dev.codeact.hyperlight.kvm.KickSignal.blockOnCurrentThread();
                    return onCaller.execute("spin-ignoring-cancel", ECHO, ExecutionLimits.defaults().withTimeout(Duration.ofMillis(100)));
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            } finally {
                thread.shutdownNow();
            }
        }
    }

    @Test
    void spinIgnoringCancelIsKilledAtTheDeadline() {
        Duration timeout = Duration.ofMillis(200);
        long started = System.nanoTime();
        ExecutionResult r = vm.execute("spin-ignoring-cancel", ECHO, ExecutionLimits.defaults().withTimeout(timeout));
        Duration wall = Duration.ofNanos(System.nanoTime() - started);

        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).as(r.error().message()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.error().message()).contains("200 ms");
        assertThat(wall).as("wall time").isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plusMillis(100));
        assertThat(r.duration()).isLessThanOrEqualTo(wall);
    }

    @Test
    void unknownProgramIsAnOrdinaryRuntimeError() {
        ExecutionResult r = run("no-such-attack");

        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().message()).isEqualTo("Error: unknown attack");
    }

    @Test
    void manyAttacksInARowLeaveTheVmWorking() {
        for (int round = 0; round < 3; round++) {
            crashes().forEach(a -> {
                String attack = (String) a.get()[0];
                assertThat(run(attack).error()).as(attack).isNotNull();
                assertNextProgramRuns();
            });
        }
    }

    private static void assertNextProgramRuns() {
        ExecutionResult ok = run("ok");
        assertThat(ok.success()).as("'ok' after the attack: %s", ok.error()).isTrue();
        assertThat(ok.resultJson()).isEqualTo("42");
        assertThat(ok.stdout()).isEmpty();
        assertThat(ok.stderr()).isEmpty();
    }

    private static ExecutionResult run(String attack) {
        return vm.execute(attack, ECHO, ExecutionLimits.defaults());
    }
}
