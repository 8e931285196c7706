package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The supervisor without any sandbox: a plain thread plays the program, a recording {@link ExecutionSupervisor.Stopper}
 * plays the backend. What the micro-VM and an in-process engine both rely on: the deadline and the CPU limit stop the
 * program softly, then force it after the grace, interrupting a host function when the backend asks; a stop sleeps
 * through no timer; nothing acts on a finished execution.
 */
class ExecutionSupervisorTest {
    private static final ExecutionLimits LIMITS = ExecutionLimits.defaults();

    /** Records what the supervisor asked of the backend. */
    private static final class RecordingStopper implements ExecutionSupervisor.Stopper {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch forced = new CountDownLatch(1);
        volatile boolean interruptRunner;

        @Override
        public void requestStop(ErrorType reason) {
            calls.add("stop " + reason);
        }

        @Override
        public boolean forceStop() {
            calls.add("force");
            forced.countDown();
            return interruptRunner;
        }
    }

    private static ExecutionSupervisor supervisor(ExecutionLimits limits, HostFunctions functions, Duration killGrace,
            RecordingStopper stopper) {
        return new ExecutionSupervisor(System.nanoTime(), functions, limits, 1 << 20, killGrace, stopper);
    }

    @Test
    void theDeadlineStopsSoftlyThenForcesAfterTheGrace() throws Exception {
        RecordingStopper stopper = new RecordingStopper();
        ExecutionSupervisor s = supervisor(LIMITS.withTimeout(Duration.ofMillis(50)), HostFunctions.none(),
                Duration.ofMillis(20), stopper);
        long started = System.nanoTime();
        s.enter();
        s.arm();
        assertThat(stopper.forced.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(70));
        assertThat(stopper.calls).containsExactly("stop TIMEOUT", "force");
        assertThat(s.stopReason()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(s.killed()).isTrue();
        assertThat(s.stopError().message()).contains("50 ms time limit");
        s.finish();
        assertThat(Thread.interrupted()).as("no interrupt was asked for").isFalse();
    }

    @Test
    void theFirstReasonWinsAndNothingActsOnAFinishedExecution() {
        RecordingStopper stopper = new RecordingStopper();
        ExecutionSupervisor s = supervisor(LIMITS, HostFunctions.none(), Duration.ZERO, stopper);
        s.enter();
        s.finish();
        assertThat(s.stop(ErrorType.OUTPUT_LIMIT)).isTrue();
        assertThat(s.stop(ErrorType.TIMEOUT)).isFalse();
        assertThat(s.stopReason()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(stopper.calls).isEmpty();
    }

    @Test
    void aForcedStopInterruptsAHostFunctionAndTheInterruptDoesNotOutliveTheExecution() throws Exception {
        RecordingStopper stopper = new RecordingStopper();
        stopper.interruptRunner = true;
        CountDownLatch inFunction = new CountDownLatch(1);
        HostFunctions blocking = HostFunctions.builder().register("block", args -> {
            inFunction.countDown();
            Thread.sleep(10_000);
            return "\"slept\"";
        }).build();
        ExecutionSupervisor s = supervisor(LIMITS, blocking, Duration.ZERO, stopper);
        CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> {
            s.enter();
            try {
                HostCallDispatcher.Reply reply = s.hostCalls().dispatch("{\"name\":\"block\",\"args\":{}}"
                        .getBytes(StandardCharsets.UTF_8));
                return new String(reply.bytes(), StandardCharsets.UTF_8);
            } catch (Exception e) {
                return e.toString();
            } finally {
                s.finish();
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            }
        }, r -> new Thread(r).start());
        assertThat(inFunction.await(5, TimeUnit.SECONDS)).isTrue();
        s.stop(ErrorType.TIMEOUT);
        assertThat(outcome.get(5, TimeUnit.SECONDS)).containsIgnoringCase("interrupt");
        assertThat(stopper.calls).containsExactly("stop TIMEOUT", "force");
    }

    @Test
    void theCpuLimitStopsAProgramThatBurnsCpu() throws Exception {
        RecordingStopper stopper = new RecordingStopper();
        ExecutionSupervisor s = supervisor(LIMITS.withTimeout(Duration.ofSeconds(10)).withCpuTime(Duration.ofMillis(30)),
                HostFunctions.none(), Duration.ZERO, stopper);
        Thread program = new Thread(() -> {
            s.enter();
            s.startCpuClock();
            while (s.stopReason() == null) {
                Thread.onSpinWait(); // burns CPU time until the poll sees it
            }
            s.finish();
        });
        program.start();
        s.arm();
        program.join(5_000);
        assertThat(program.isAlive()).isFalse();
        assertThat(s.stopReason()).isEqualTo(ErrorType.CPU_LIMIT);
        assertThat(stopper.calls).containsExactly("stop CPU_LIMIT", "force");
    }

    @Test
    void aStopWakesASleepingRunnerAndTheDeadlineBoundsTheSleep() {
        RecordingStopper stopper = new RecordingStopper();
        ExecutionSupervisor s = supervisor(LIMITS.withTimeout(Duration.ofMillis(100)), HostFunctions.none(),
                Duration.ofSeconds(1), stopper);
        s.enter();
        long started = System.nanoTime();
        s.sleep(TimeUnit.SECONDS.toNanos(30)); // bounded by the 100 ms deadline, not armed here
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        s.stop(ErrorType.OUTPUT_LIMIT);
        started = System.nanoTime();
        s.sleep(TimeUnit.SECONDS.toNanos(30));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(50));
        s.finish();
    }

    @Test
    void aCallerThatGivesUpGetsTheStuckResult() {
        ExecutionSupervisor s = supervisor(LIMITS.withTimeout(Duration.ofMillis(10)), HostFunctions.none(), Duration.ofMillis(20),
                new RecordingStopper());
        assertThat(s.giveUpAtNanos() - System.nanoTime())
                .isLessThanOrEqualTo(Duration.ofMillis(30).plus(ExecutionSupervisor.STUCK_HOST_FUNCTION_GRACE).toNanos());
        ExecutionResult r = s.abandon();
        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.error().message()).contains("inside a host function that did not return");
    }
}
