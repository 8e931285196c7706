package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.CodeSandbox;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** Each backend has its own configuration, and the conditions report says which one applies and why. */
class BackendConditionsReportTest {
    private static final String KVM = CodeActAutoConfiguration.KvmBackendConfiguration.class.getName();
    private static final String GRAALJS = CodeActAutoConfiguration.GraalJsBackendConfiguration.class.getName();
    private static final KvmAvailability NO_KVM = new KvmAvailability(false, "/dev/kvm does not exist", false);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
            .withPropertyValues("codeact.sandbox.pool-size=1");

    @Test
    @RequiresKvm
    void kvmIsChosenThroughItsConfigurationWhichRegistersThePoolGauges() {
        runner.run(context -> {
            assertThat(outcome(context, KVM)).contains("CodeAct sandbox backend kvm auto: ");
            assertThat(matched(context, KVM)).isTrue();
            assertThat(matched(context, GRAALJS)).isFalse();
            assertThat(context).hasBean("codeActPoolMetrics").hasSingleBean(MeterBinder.class);
        });
    }

    @Test
    void withoutKvmGraalJsIsChosenAndSaysWhy() {
        runner.withBean(KvmAvailability.class, () -> NO_KVM).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CodeSandbox.class).backend()).isEqualTo("graaljs");
            assertThat(matched(context, GRAALJS)).isTrue();
            assertThat(outcome(context, GRAALJS)).contains("auto: KVM unavailable (/dev/kvm does not exist)");
            assertThat(matched(context, KVM)).isFalse();
            assertThat(context).doesNotHaveBean("codeActPoolMetrics");
        });
    }

    /** With a sandbox of its own the application starts; the report still says why no backend of ours could run. */
    @Test
    void whenNothingCanRunTheReportSaysWhy() {
        runner.withClassLoader(new FilteredClassLoader("org.graalvm")).withBean(KvmAvailability.class, () -> NO_KVM)
                .withBean(CodeSandbox.class, CodeActAutoConfigurationTest.FakeSandbox::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(matched(context, KVM)).isFalse();
                    assertThat(matched(context, GRAALJS)).isFalse();
                    assertThat(outcome(context, KVM)).contains("CodeAct sandbox backend kvm",
                            "no sandbox backend can run here");
                    assertThat(outcome(context, GRAALJS)).contains("no sandbox backend can run here");
                });
    }

    private static boolean matched(ConfigurableApplicationContext context, String source) {
        ConditionAndOutcomes outcomes = ConditionEvaluationReport.get(context.getBeanFactory())
                .getConditionAndOutcomesBySource().get(source);
        return outcomes != null && outcomes.isFullMatch();
    }

    private static String outcome(ConfigurableApplicationContext context, String source) {
        return ConditionEvaluationReport.get(context.getBeanFactory()).getConditionAndOutcomesBySource().get(source)
                .iterator().next().getOutcome().getMessage();
    }
}
