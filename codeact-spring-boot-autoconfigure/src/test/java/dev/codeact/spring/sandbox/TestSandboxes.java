package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;

/** One sandbox of each backend for the whole test run, created on first use and closed when the JVM exits. */
public final class TestSandboxes {
    private static KvmCodeSandbox kvm;
    private static GraalJsCodeSandbox graalJs;

    private TestSandboxes() {
    }

    /**
     * A KVM backend over a pool of 2 per language (Python's booted on its first program); only call it from tests
     * marked {@code @RequiresKvm}.
     */
    public static synchronized CodeSandbox kvm() {
        if (kvm == null) {
            kvm = new KvmCodeSandbox(Language.JAVASCRIPT,
                    image -> SandboxPool.create(2, image, GuestMemorySizes.defaults(), Duration.ofSeconds(10)));
            Runtime.getRuntime().addShutdownHook(new Thread(kvm::close));
        }
        return kvm;
    }

    public static synchronized CodeSandbox graalJs() {
        if (graalJs == null) {
            graalJs = GraalJsCodeSandbox.create();
            Runtime.getRuntime().addShutdownHook(new Thread(graalJs::close));
        }
        return graalJs;
    }
}
