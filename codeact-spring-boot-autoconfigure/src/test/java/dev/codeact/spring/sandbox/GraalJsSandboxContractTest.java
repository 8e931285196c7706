package dev.codeact.spring.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionContractTest;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxException;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sandbox contract against in-process GraalJS, which runs everywhere. */
class GraalJsSandboxContractTest extends ExecutionContractTest {
    @Override
    protected ExecutionResult execute(String code, HostFunctions functions, ExecutionLimits limits) {
        return TestSandboxes.graalJs().execute(code, functions, limits);
    }

    @Override
    protected String backend() {
        return TestSandboxes.graalJs().backend();
    }

    @Test
    void itIsTheGraalJsBackend() {
        assertThat(TestSandboxes.graalJs().backend()).isEqualTo("graaljs");
    }

    @Test
    void theMemoryLimitIsNotEnforcedButDoesNotGetInTheWay() {
        // community GraalJS has no heap cap: 20 MiB of arrays under a 1 MiB "limit" still run
        ExecutionResult r = run("const a = []; for (let i = 0; i < 20; i++) a.push(new Array(1 << 17).fill(i)); return a.length;",
                DEFAULTS.withMemoryBytes(1L << 20));
        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("20");
    }

    @Test
    void closingTheSandboxCancelsRunningExecutionsAndRefusesNewOnes() throws Exception {
        GraalJsCodeSandbox own = GraalJsCodeSandbox.create();
        CompletableFuture<ExecutionResult> running = CompletableFuture.supplyAsync(() ->
                own.execute("while (true) {}", HostFunctions.none(), DEFAULTS.withTimeout(Duration.ofSeconds(20))));
        Thread.sleep(300);
        own.close();
        ExecutionResult r = running.get(5, TimeUnit.SECONDS);
        assertThat(r.error().type()).isEqualTo(ErrorType.SANDBOX_FAILURE);
        assertThat(r.error().message()).contains("closed");
        assertThatThrownBy(() -> own.execute("return 1", HostFunctions.none(), DEFAULTS))
                .isInstanceOf(SandboxException.class).hasMessageContaining("closed");
    }
}
