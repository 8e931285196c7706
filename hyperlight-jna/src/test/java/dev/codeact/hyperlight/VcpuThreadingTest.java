package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.kvm.VcpuMigration;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which thread enters the guest and runs the host functions, and what a stop does to a caller's thread. */
@RequiresKvm
class VcpuThreadingTest {
    private static final ThreadLocal<String> REQUEST_USER = new ThreadLocal<>();
    private static MicroVm caller;
    private static MicroVm dedicated;

    @BeforeAll
    static void boot() {
        caller = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), RestoreStrategy.DIRTY_PAGE_COPY, VcpuThreading.CALLER);
        dedicated = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), RestoreStrategy.DIRTY_PAGE_COPY,
                VcpuThreading.DEDICATED);
    }

    @AfterAll
    static void close() {
        caller.close();
        dedicated.close();
    }

    private static HostFunctions whoAmI() {
        return HostFunctions.builder().register("who", args -> "\"" + Thread.currentThread().getName() + "/" + REQUEST_USER.get() + "\"").build();
    }

    @Test
    void onCallerThreadsHostFunctionsSeeTheCallersThreadBoundState() {
        REQUEST_USER.set("ada");
        try {
            ExecutionResult r = caller.execute("return call_tool('who', {})", whoAmI(), ExecutionLimits.defaults());
            assertThat(r.resultJson()).isEqualTo("\"" + Thread.currentThread().getName() + "/ada\"");
        } finally {
            REQUEST_USER.remove();
        }
    }

    @Test
    void onDedicatedThreadsHostFunctionsRunOnTheVmsThread() {
        REQUEST_USER.set("ada");
        try {
            ExecutionResult r = dedicated.execute("return call_tool('who', {})", whoAmI(), ExecutionLimits.defaults());
            assertThat(r.resultJson()).isEqualTo("\"codeact-vcpu/null\"");
        } finally {
            REQUEST_USER.remove();
        }
    }

    @Test
    void aRunawayKilledOnTheCallersThreadLeavesThatThreadClean() throws Exception {
        // the hard kill signals the thread in KVM_RUN: here the caller's; afterwards it must be usable as before
        ExecutionLimits short50 = ExecutionLimits.defaults().withTimeout(Duration.ofMillis(50));
        for (int i = 0; i < 5; i++) {
            ExecutionResult r = caller.execute("while (true) {}", HostFunctions.none(), short50);
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
        Thread.sleep(20); // a stray kick or interrupt would cut this short
        assertThat(caller.execute("return 7", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("7");
    }

    @Test
    void aDeadlineInsideABlockingHostFunctionInterruptsItButNotTheCallerAfterwards() {
        HostFunctions sleepy = HostFunctions.builder().register("sleep", args -> {
            Thread.sleep(10_000);
            return "true";
        }).build();
        long started = System.nanoTime();
        ExecutionResult r = caller.execute("call_tool('sleep', {}); while (true) {}", sleepy,
                ExecutionLimits.defaults().withTimeout(Duration.ofMillis(100)));
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100).plus(StopMargin.LOADED_MACHINE));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCallersOwnInterruptSurvivesTheExecution() {
        Thread.currentThread().interrupt();
        try {
            ExecutionResult r = caller.execute("return call_tool('echo', {a: 1}).a", SharedPool.ECHO, ExecutionLimits.defaults());
            assertThat(r.resultJson()).isEqualTo("1");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void onCallerThreadsAToolThatIgnoresInterruptsHoldsTheCallerUntilItReturns() {
        HostFunctions stubborn = HostFunctions.builder().register("spin", args -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return "true";
        }).build();
        long started = System.nanoTime();
        ExecutionResult r = caller.execute("call_tool('spin', {}); while (true) {}", stubborn,
                ExecutionLimits.defaults().withTimeout(Duration.ofMillis(100)));
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(390), Duration.ofSeconds(2));
        assertThat(caller.isBroken()).isFalse();
        assertThat(caller.execute("return 8", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("8");
    }

    @Test
    void oneVmServesCallersOnManyThreadsInTurn() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 30; i++) {
                int n = i;
                AtomicReference<String> result = new AtomicReference<>();
                threads.submit(() -> result.set(caller.execute("return call_tool('echo', {n: %d}).n * 2".formatted(n), SharedPool.ECHO,
                        ExecutionLimits.defaults()).resultJson())).get(10, TimeUnit.SECONDS);
                assertThat(result.get()).isEqualTo(String.valueOf(n * 2));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void concurrentCallersOnOneVmAreSerialised() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                futures.add(threads.submit(() -> caller.execute("""
                        if (globalThis.seen) throw new Error('shared state');
                        globalThis.seen = true;
                        return call_tool('echo', {n: %d}).n""".formatted(n), SharedPool.ECHO, ExecutionLimits.defaults()).resultJson()));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(String.valueOf(i));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(VcpuThreading.class)
    void aClosedVmRefusesExecutionsWithAClearError(VcpuThreading threading) {
        MicroVm vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults(), RestoreStrategy.DIRTY_PAGE_COPY, threading);
        assertThat(vm.execute("return 1", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("1");
        vm.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vm.execute("return 2", HostFunctions.none(), ExecutionLimits.defaults()))
                .isInstanceOf(SandboxException.class).hasMessageContaining("closed");
        org.assertj.core.api.Assertions.assertThatThrownBy(vm::restore).hasMessageContaining("closed");
        vm.close(); // twice is harmless
    }

    @Test
    void theKernelsPriceForMovingAVcpuIsMeasured() {
        VcpuMigration.Measurement m = VcpuMigration.measurement();
        assertThat(m.medianNanos()).isPositive();
        assertThat(m.sameThreadNanos()).isPositive();
        assertThat(m.cheap()).isEqualTo(m.medianNanos() - m.sameThreadNanos() < VcpuMigration.EXPENSIVE_MIGRATION_NANOS);
        assertThat(m.toString()).contains("moving a vCPU between threads costs");
    }
}
