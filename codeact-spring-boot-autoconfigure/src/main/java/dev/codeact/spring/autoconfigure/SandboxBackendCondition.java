package dev.codeact.spring.autoconfigure;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.SandboxBackendSelector;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Backend;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Choice;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Requested;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import java.util.Locale;
import org.springframework.util.ClassUtils;

/**
 * Which sandbox backend's configuration applies, decided as {@link SandboxBackendSelector#choose} decides (from
 * {@code codeact.sandbox.backend}, {@code codeact.language}, what KVM offers here and whether GraalJS and GraalPy are
 * on the classpath), so that the conditions report says which backends were chosen and why (and, when none can run,
 * why not: then the selection fails at start-up with the same message, which the failure analyzer reports).
 *
 * <p>KVM's availability is the application's own {@link KvmAvailability} bean where it defines one (tests stand in
 * for another machine so), else the probe's, which the auto-configured bean gives too. Evaluated when beans are
 * registered, so that beans the application defines are seen.
 */
abstract class SandboxBackendCondition extends SpringBootCondition implements ConfigurationCondition {
    static final String POLYGLOT_CLASS = "org.graalvm.polyglot.Context";
    /** GraalJS's language: the polyglot API alone may have come with GraalPy. */
    static final String GRAALJS_LANGUAGE_CLASS = "com.oracle.truffle.js.lang.JavaScriptLanguage";
    /** GraalPy's language: with the polyglot API, what the GraalPy starter brings. */
    static final String GRAALPY_CLASS = "com.oracle.graal.python.PythonLanguage";

    /** The KVM backend is chosen. */
    static final class OnKvm extends SandboxBackendCondition {
        OnKvm() {
            super(Backend.KVM);
        }
    }

    /** The GraalJS backend is chosen. */
    static final class OnGraalJs extends SandboxBackendCondition {
        OnGraalJs() {
            super(Backend.GRAALJS);
        }
    }

    /** The GraalPy backend is chosen (for the configured language, or for Python programs beside GraalJS). */
    static final class OnGraalPy extends SandboxBackendCondition {
        OnGraalPy() {
            super(Backend.GRAALPY);
        }
    }

    private final Backend wanted;

    private SandboxBackendCondition(Backend wanted) {
        this.wanted = wanted;
    }

    @Override
    public ConfigurationPhase getConfigurationPhase() {
        return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("CodeAct sandbox backend",
                wanted.name().toLowerCase(Locale.ROOT));
        boolean chosen;
        String reason;
        try {
            Binder binder = Binder.get(context.getEnvironment());
            Requested requested = binder.bind("codeact.sandbox.backend", CodeActProperties.Backend.class)
                    .map(backend -> Requested.valueOf(backend.name())).orElse(Requested.AUTO);
            Language language = Language.of(binder.bind("codeact.language", String.class).orElse("javascript"));
            Choice choice = SandboxBackendSelector.choose(requested, language, availability(context.getBeanFactory()),
                    inProcess(context.getClassLoader()));
            chosen = choice.backends().contains(wanted);
            reason = choice.reason();
        } catch (InvalidPropertyException e) {
            chosen = false;
            reason = e.getMessage();
        } catch (IllegalArgumentException e) { // the properties report an unknown language
            chosen = false;
            reason = e.getMessage();
        } catch (BindException e) { // the properties' binding reports it
            chosen = false;
            reason = "codeact.sandbox.backend is not one of auto, kvm, graaljs";
        }
        return chosen ? ConditionOutcome.match(message.because(reason)) : ConditionOutcome.noMatch(message.because(reason));
    }

    /** The in-process backends on the classpath. */
    static SandboxBackendSelector.InProcess inProcess(ClassLoader classLoader) {
        boolean polyglot = ClassUtils.isPresent(POLYGLOT_CLASS, classLoader);
        return new SandboxBackendSelector.InProcess(polyglot && ClassUtils.isPresent(GRAALJS_LANGUAGE_CLASS, classLoader),
                polyglot && ClassUtils.isPresent(GRAALPY_CLASS, classLoader));
    }

    private static KvmAvailability availability(ConfigurableListableBeanFactory beans) {
        if (beans != null && beans.getBeanNamesForType(KvmAvailability.class, true, false).length > 0) {
            return beans.getBean(KvmAvailability.class);
        }
        return KvmAvailability.probe();
    }
}
