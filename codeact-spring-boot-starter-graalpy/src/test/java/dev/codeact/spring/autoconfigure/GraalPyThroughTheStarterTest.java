package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An application with this starter (GraalPy, no GraalJS) where there is no KVM: with codeact.language=python the
 * auto-configuration picks GraalPy and Python programs run on it.
 */
class GraalPyThroughTheStarterTest {
    @Test
    void withoutKvmPythonProgramsRunOnGraalPy() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
                .withBean(KvmAvailability.class, () -> new KvmAvailability(false, "/dev/kvm does not exist", false))
                .withPropertyValues("codeact.language=python")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CodeSandbox sandbox = context.getBean(CodeSandbox.class);
                    assertThat(sandbox.backend()).isEqualTo("graalpy");
                    assertThat(sandbox.execute(Language.PYTHON, "print('hi')\n6 * 7", HostFunctions.none(),
                            ExecutionLimits.defaults()).resultJson()).isEqualTo("42");
                });
    }
}
