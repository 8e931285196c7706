package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.CodeSandbox;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ClassUtils;

/**
 * An application with codeact-spring-boot-starter alone, without GraalJS on the classpath (what a Linux server with
 * KVM needs): it starts and runs programs in KVM micro-VMs; where there is no KVM it fails with a report that says
 * what to add.
 */
class LeanStarterTest {
    private final ApplicationContextRunner withoutGraalJs = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader("org.graalvm"))
            .withPropertyValues("codeact.sandbox.pool-size=1");

    @Test
    @RequiresKvm
    void itStartsAndPicksKvm() {
        withoutGraalJs.run(context -> {
            assertThat(context).hasNotFailed();
            CodeSandbox sandbox = context.getBean(CodeSandbox.class);
            assertThat(sandbox.backend()).isEqualTo("kvm");
            assertThat(sandbox.execute("return 6 * 7", dev.codeact.hyperlight.HostFunctions.none(),
                    dev.codeact.hyperlight.ExecutionLimits.defaults()).resultJson()).isEqualTo("42");
        });
    }

    @Test
    void withoutKvmItFailsWithAReportThatSaysWhatToAdd() {
        withoutGraalJs.withBean(KvmAvailability.class, () -> new KvmAvailability(false, "/dev/kvm does not exist", false))
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new CodeActFailureAnalyzer(new MockEnvironment()).analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("Property: codeact.sandbox.backend", "Value:    \"auto\"",
                            "no sandbox backend can run here: KVM is unavailable (/dev/kvm does not exist) and GraalJS is not"
                                    + " on the classpath");
                    assertThat(analysis.getAction()).contains("dev.codeact:codeact-spring-boot-starter-graaljs");
                });
    }

    /**
     * GraalPy comes only with codeact-spring-boot-starter-graalpy: not even optionally with the auto-configuration
     * (whose test classpath has its optional dependencies), so an application without Python carries none of it.
     * (codeact-spring-boot-starter's build bans it from the starter's dependencies.)
     */
    @Test
    void theAutoConfigurationCarriesNoGraalPy() {
        assertThat(ClassUtils.isPresent(SandboxBackendCondition.GRAALPY_CLASS, getClass().getClassLoader())).isFalse();
    }
}
