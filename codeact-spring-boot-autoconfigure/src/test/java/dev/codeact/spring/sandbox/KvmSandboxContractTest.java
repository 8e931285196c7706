package dev.codeact.spring.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox contract against KVM micro-VMs; skipped, with the reason, where KVM is not usable. */
@RequiresKvm
class KvmSandboxContractTest extends SandboxContractTest {
    private static KvmCodeSandbox sandbox;

    @BeforeAll
    static void startPool() {
        sandbox = new KvmCodeSandbox(SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(10)));
    }

    @AfterAll
    static void closePool() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Override
    protected CodeSandbox sandbox() {
        return sandbox;
    }

    @Test
    void itIsTheKvmBackend() {
        assertThat(sandbox.backend()).isEqualTo("kvm");
    }

    // Only the KVM backend enforces the memory limit: the guest heap is capped per execution.

    @Test
    void aMemoryBombIsOutOfMemory() {
        ExecutionResult r = run("""
                globalThis.leak = 1;
                const hoard = []; while (true) hoard.push(new Array(100000).fill(Math.random()));""",
                DEFAULTS.withMemoryBytes(16L << 20));
        assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        assertThat(r.error().message()).contains("out of memory");
    }

    @Test
    void aHugeStringIsOutOfMemory() {
        ExecutionResult r = run("let s = 'x'; for (;;) s = s.repeat(2);", DEFAULTS.withMemoryBytes(32L << 20));
        assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
    }
}
