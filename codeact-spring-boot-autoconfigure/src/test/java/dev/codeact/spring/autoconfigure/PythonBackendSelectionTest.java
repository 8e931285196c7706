package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.LanguageRoutingSandbox;
import dev.codeact.spring.sandbox.SandboxBackendSelector;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Backend;
import dev.codeact.spring.sandbox.SandboxBackendSelector.InProcess;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Requested;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Where Python programs run: KVM runs both languages; without it, GraalPy (a stand-in here: the real one comes with
 * codeact-spring-boot-starter-graalpy) runs Python beside GraalJS, and a configured language nothing can run is a
 * start-up error saying what to add.
 */
class PythonBackendSelectionTest {
    private static final KvmAvailability NO_KVM = new KvmAvailability(false, "/dev/kvm does not exist", false);
    private static final KvmAvailability KVM = new KvmAvailability(true, "KVM usable: hardware virtualisation", false);

    /** An in-process sandbox of one language that records the programs it ran and whether it was closed. */
    static final class InProcessFake implements CodeSandbox {
        final String name;
        final Language language;
        final List<String> ran = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        InProcessFake(String name, Language language) {
            this.name = name;
            this.language = language;
        }

        @Override
        public String backend() {
            return name;
        }

        @Override
        public Set<Language> languages() {
            return Set.of(language);
        }

        @Override
        public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
            if (language != this.language) {
                throw CodeSandbox.unsupported(this, language);
            }
            ran.add(code);
            return new ExecutionResult("", false, "", false, "\"" + name + "\"", null, Duration.ZERO, 0);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static Supplier<CodeSandbox> fake(String name, Language language) {
        return () -> new InProcessFake(name, language);
    }

    @Test
    void withKvmBothLanguagesRunThere() {
        var choice = SandboxBackendSelector.choose(Requested.AUTO, Language.PYTHON, KVM, new InProcess(true, true));
        assertThat(choice.backend()).isEqualTo(Backend.KVM);
        assertThat(choice.backends()).containsExactly(Backend.KVM);
    }

    @Test
    void withoutKvmPythonRunsOnGraalPyAndJavaScriptOnGraalJsThroughOneSandbox() {
        var selection = SandboxBackendSelector.select(Requested.AUTO, Language.PYTHON, NO_KVM, fake("kvm", Language.PYTHON),
                fake("graaljs", Language.JAVASCRIPT), fake("graalpy", Language.PYTHON));
        assertThat(selection.reason()).isEqualTo("auto: KVM unavailable (/dev/kvm does not exist), using graalpy"
                + " (in-process, weaker isolation), and graaljs for javascript programs");
        CodeSandbox sandbox = selection.sandbox();
        assertThat(sandbox).isInstanceOf(LanguageRoutingSandbox.class);
        assertThat(sandbox.backend()).isEqualTo("graalpy");
        assertThat(sandbox.languages()).containsExactlyInAnyOrder(Language.JAVASCRIPT, Language.PYTHON);
        assertThat(sandbox.execute(Language.PYTHON, "1+1", HostFunctions.none(), ExecutionLimits.defaults()).resultJson())
                .isEqualTo("\"graalpy\"");
        assertThat(sandbox.execute("return 1", HostFunctions.none(), ExecutionLimits.defaults()).resultJson())
                .isEqualTo("\"graaljs\"");
        InProcessFake python = (InProcessFake) ((LanguageRoutingSandbox) sandbox).sandbox(Language.PYTHON);
        InProcessFake javascript = (InProcessFake) ((LanguageRoutingSandbox) sandbox).sandbox(Language.JAVASCRIPT);
        assertThat(python.ran).containsExactly("1+1");
        assertThat(javascript.ran).containsExactly("return 1");
        sandbox.close();
        assertThat(python.closed).isTrue();
        assertThat(javascript.closed).isTrue();
    }

    @Test
    void withoutKvmAndWithoutGraalJsPythonAloneRunsOnGraalPy() {
        var selection = SandboxBackendSelector.select(Requested.AUTO, Language.PYTHON, NO_KVM, fake("kvm", Language.PYTHON),
                null, fake("graalpy", Language.PYTHON));
        assertThat(selection.sandbox().backend()).isEqualTo("graalpy");
        assertThat(selection.sandbox().languages()).containsExactly(Language.PYTHON);
        assertThat(selection.reason()).doesNotContain("graaljs");
    }

    @Test
    void javascriptConfiguredStillGetsGraalPyForPythonCallsWhenItIsThere() {
        var choice = SandboxBackendSelector.choose(Requested.AUTO, Language.JAVASCRIPT, NO_KVM, new InProcess(true, true));
        assertThat(choice.backend()).isEqualTo(Backend.GRAALJS);
        assertThat(choice.backends()).containsExactlyInAnyOrder(Backend.GRAALJS, Backend.GRAALPY);
    }

    @Test
    void pythonWithoutKvmOrGraalPySaysWhatToAdd() {
        assertThatThrownBy(() -> SandboxBackendSelector.choose(Requested.AUTO, Language.PYTHON, NO_KVM, new InProcess(true, false)))
                .isInstanceOfSatisfying(InvalidPropertyException.class, e -> {
                    assertThat(e).hasMessage("codeact.sandbox.backend=auto: no sandbox backend can run python here: KVM is"
                            + " unavailable (/dev/kvm does not exist) and GraalPy is not on the classpath");
                    assertThat(e.action()).contains("dev.codeact:codeact-spring-boot-starter-graalpy");
                });
    }

    @Test
    void explicitGraalJsCannotRunPython() {
        assertThatThrownBy(() -> SandboxBackendSelector.choose(Requested.GRAALJS, Language.PYTHON, KVM, new InProcess(true, true)))
                .isInstanceOfSatisfying(InvalidPropertyException.class, e -> {
                    assertThat(e.problem()).isEqualTo("GraalJS runs JavaScript only, and codeact.language is python");
                    assertThat(e.action()).contains("codeact.sandbox.backend=auto", "codeact-spring-boot-starter-graalpy");
                });
    }

    @Test
    void aRoutingSandboxRefusesALanguageItHasNoBackendFor() {
        var only = new InProcessFake("graaljs", Language.JAVASCRIPT);
        assertThatThrownBy(() -> new LanguageRoutingSandbox(Language.PYTHON, java.util.Map.of(Language.JAVASCRIPT, only)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LanguageRoutingSandbox(Language.PYTHON, java.util.Map.of(Language.PYTHON, only)))
                .hasMessage("the graaljs sandbox does not run python");
    }

    /** Through the auto-configuration: no KVM and no GraalPy here, so codeact.language=python fails with what to add. */
    @Test
    void theApplicationDoesNotStartWhenNothingRunsTheConfiguredLanguage() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
                .withBean(KvmAvailability.class, () -> NO_KVM)
                .withPropertyValues("codeact.language=python")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOf(InvalidPropertyException.class)
                        .hasMessageContaining("no sandbox backend can run python here"));
    }

    @Test
    void anUnknownLanguageFailsWithTheLanguagesThereAre() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
                .withBean(KvmAvailability.class, () -> NO_KVM)
                .withPropertyValues("codeact.language=ruby")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOf(InvalidPropertyException.class)
                        .hasMessage("codeact.language=ruby: is not one of javascript, python"));
    }
}
