package dev.codeact.spring.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.TestPropertySource;

/**
 * The end-to-end conversation with programs in KVM micro-VMs. Skipped, with the reason, where KVM is not
 * usable, except on CI (CI=true) with a /dev/kvm present: there an unusable KVM is a failure, not a skip.
 */
@TestPropertySource(properties = "codeact.sandbox.backend=kvm")
class KvmEndToEndTest extends CodeActEndToEndTest {

    @BeforeAll
    static void requireKvm() {
        KvmAvailability kvm = KvmAvailability.probe();
        if (kvm.usable()) {
            return;
        }
        String reason = "KVM is not usable here: " + kvm.reason();
        if ("true".equalsIgnoreCase(System.getenv("CI")) && Files.exists(Path.of(KvmAvailability.DEVICE))) {
            fail(reason + " (CI=true and " + KvmAvailability.DEVICE + " exists, so this must not be skipped)");
        }
        Assumptions.abort(reason);
    }

    @Override
    protected String backend() {
        return "kvm";
    }
}
