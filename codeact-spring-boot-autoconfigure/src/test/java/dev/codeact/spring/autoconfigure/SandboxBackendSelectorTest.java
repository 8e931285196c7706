package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.spring.config.InvalidPropertyException;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.SandboxBackendSelector;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Requested;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SandboxBackendSelectorTest {
    private static final KvmAvailability NO_KVM = new KvmAvailability(false, "/dev/kvm does not exist", false);
    private static final KvmAvailability KVM = new KvmAvailability(true, "KVM usable: hardware virtualisation", false);

    private static Supplier<CodeSandbox> named(String name) {
        return () -> new CodeActAutoConfigurationTest.FakeSandbox() {
            @Override
            public String backend() {
                return name;
            }
        };
    }

    @Test
    void autoPrefersKvm() {
        var s = SandboxBackendSelector.select(Requested.AUTO, KVM, named("kvm"), named("graaljs"));
        assertThat(s.sandbox().backend()).isEqualTo("kvm");
        assertThat(s.reason()).isEqualTo("auto: KVM usable: hardware virtualisation");
    }

    @Test
    void autoFallsBackToGraalJsAndSaysWhy() {
        var s = SandboxBackendSelector.select(Requested.AUTO, NO_KVM, named("kvm"), named("graaljs"));
        assertThat(s.sandbox().backend()).isEqualTo("graaljs");
        assertThat(s.reason()).contains("KVM unavailable (/dev/kvm does not exist)").contains("weaker isolation");
    }

    @Test
    void explicitKvmWithoutKvmFailsAtStartUpWithTheReason() {
        assertThatThrownBy(() -> SandboxBackendSelector.select(Requested.KVM, NO_KVM, named("kvm"), named("graaljs")))
                .isInstanceOfSatisfying(InvalidPropertyException.class, e -> {
                    assertThat(e).hasMessage("codeact.sandbox.backend=kvm: KVM cannot be used here: /dev/kvm does not exist");
                    assertThat(e.action()).contains("codeact.sandbox.backend=auto or graaljs");
                });
    }

    @Test
    void explicitGraalJsIsHonouredEvenWithKvm() {
        assertThat(SandboxBackendSelector.select(Requested.GRAALJS, KVM, named("kvm"), named("graaljs")).sandbox().backend())
                .isEqualTo("graaljs");
    }

    @Test
    void nothingUsableIsAClearError() {
        assertThatThrownBy(() -> SandboxBackendSelector.select(Requested.AUTO, NO_KVM, named("kvm"), null))
                .hasMessageContaining("no sandbox backend can run here");
    }
}
