package dev.codeact.spring.policy.fs;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The program-facing fs in a KVM micro-VM (the guest image's bootstrap.js). */
@RequiresKvm
class KvmFsProgramTest extends FsProgramContract {
    private static KvmCodeSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new KvmCodeSandbox(SandboxPool.create(1, GuestMemorySizes.defaults(), Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Override
    CodeSandbox sandbox() {
        return sandbox;
    }
}
