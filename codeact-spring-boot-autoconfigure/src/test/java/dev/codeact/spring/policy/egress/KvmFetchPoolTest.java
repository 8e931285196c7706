package dev.codeact.spring.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool whose every VM runs a program stuck in fetch on a slow server (egress timeout 20 s, programs 2 s): the
 * VMs come back at the programs' deadline, so a program that asks for one meanwhile gets it instead of
 * POOL_EXHAUSTED. Its own pool, so that the shared test sandboxes are not held.
 */
@RequiresKvm
class KvmFetchPoolTest {
    private static final int SIZE = 2;
    private static final Duration PROGRAM_TIMEOUT = FetchFromProgramsTest.PROGRAM_TIMEOUT;
    private static final Duration MARGIN = Duration.ofSeconds(1);

    private record Timed(ExecutionResult result, Duration took) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"silent", "trickling"})
    void stuckProgramsGiveTheirVmsBackAtTheirDeadline(String kind) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(SIZE);
        try (HostileServer slow = kind.equals("silent") ? HostileServer.silent(SIZE) : HostileServer.trickling(SIZE);
                LocalHttpServer echo = LocalHttpServer.http();
                // a caller waits for a VM at most the programs' time and a margin: long enough only if they are freed
                SandboxPool pool = SandboxPool.create(SIZE, GuestMemorySizes.defaults(), PROGRAM_TIMEOUT.plus(MARGIN))) {
            EgressPolicy policy = new EgressPolicy(List.of(
                    EgressPolicyTest.rule("http", "127.0.0.1", slow.port(), "/", "GET"),
                    EgressPolicyTest.rule("http", "127.0.0.1", echo.port(), "/echo/", "GET")),
                    Duration.ofSeconds(20), 1 << 20, 3);
            HostFunctions functions = HostFunctions.builder().registerUnlisted(EgressPolicy.SERVICE, policy.fetch()).build();
            ExecutionLimits limits = ExecutionLimits.defaults().withTimeout(PROGRAM_TIMEOUT);

            List<Future<Timed>> stuck = new ArrayList<>();
            for (int i = 0; i < SIZE; i++) {
                stuck.add(callers.submit(() -> {
                    long start = System.nanoTime();
                    ExecutionResult result = pool.execute("const r = await fetch('" + slow.url("/slow")
                            + "'); return await r.text();", functions, limits);
                    return new Timed(result, Duration.ofNanos(System.nanoTime() - start));
                }));
            }
            assertThat(slow.answering.await(10, TimeUnit.SECONDS)).as("every VM is in a fetch").isTrue();

            ExecutionResult next = pool.execute("const r = await fetch('" + echo.url("/echo/next")
                    + "'); return r.status;", functions, limits);
            assertThat(next.error()).as("%s", next.error()).isNull();
            assertThat(next.resultJson()).isEqualTo("200");
            for (Future<Timed> f : stuck) {
                Timed timed = f.get(30, TimeUnit.SECONDS);
                assertThat(timed.result().error()).as("%s", timed.result()).isNotNull();
                assertThat(timed.result().error().type()).isEqualTo(ErrorType.TIMEOUT);
                assertThat(timed.took()).isLessThan(PROGRAM_TIMEOUT.plus(MARGIN));
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
