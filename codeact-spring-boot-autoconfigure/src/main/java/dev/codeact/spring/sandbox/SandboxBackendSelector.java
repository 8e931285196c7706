package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.config.InvalidPropertyException;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Chooses the sandbox backend: {@code auto} takes KVM when /dev/kvm is usable (it runs every language) and otherwise
 * an in-process backend per language, GraalJS for JavaScript and GraalPy for Python, of which the configured
 * language's must be there; an explicit choice that cannot be honoured fails with the reason. The choice and why are
 * logged, and kept for diagnostics.
 */
public final class SandboxBackendSelector {
    private static final Log LOG = LogFactory.getLog(SandboxBackendSelector.class);
    private static final String GRAALPY_STARTER = "dev.codeact:codeact-spring-boot-starter-graalpy";

    /** Requested backend. */
    public enum Requested { AUTO, KVM, GRAALJS }

    /**
     * A chosen backend and the reason.
     *
     * @param sandbox the running sandbox
     * @param reason why this backend was chosen
     */
    public record Selection(CodeSandbox sandbox, String reason) {
    }

    private SandboxBackendSelector() {
    }

    /** A backend the selector can choose. */
    public enum Backend { KVM, GRAALJS, GRAALPY }

    /**
     * The decision alone, before any backend is built: what the backend configurations' conditions ask, so that the
     * conditions report shows the choice and its reason.
     *
     * @param backend the backend chosen for the configured language
     * @param reason why
     * @param backends every backend to build: the configured language's, and an in-process one for the other language
     *     where there is one
     */
    public record Choice(Backend backend, String reason, Set<Backend> backends) {
        public Choice {
            backends = Set.copyOf(backends);
        }

        Choice(Backend backend, String reason) {
            this(backend, reason, Set.of(backend));
        }
    }

    /** What the classpath offers in-process: whether GraalJS and GraalPy are there. */
    public record InProcess(boolean graalJs, boolean graalPy) {
    }

    /** JavaScript programs, GraalJS as the only in-process backend. */
    public static Selection select(Requested requested, KvmAvailability availability, Supplier<CodeSandbox> kvm,
            Supplier<CodeSandbox> graalJs) {
        return select(requested, Language.JAVASCRIPT, availability, kvm, graalJs, null);
    }

    /**
     * @param language the configured language ({@code codeact.language})
     * @param kvm builds the KVM backend
     * @param graalJs builds the GraalJS backend, or null when GraalJS is not on the classpath
     * @param graalPy builds the GraalPy backend, or null when GraalPy is not on the classpath
     */
    public static Selection select(Requested requested, Language language, KvmAvailability availability,
            Supplier<CodeSandbox> kvm, Supplier<CodeSandbox> graalJs, Supplier<CodeSandbox> graalPy) {
        Choice choice = choose(requested, language, availability, new InProcess(graalJs != null, graalPy != null));
        CodeSandbox sandbox;
        if (choice.backend() == Backend.KVM) {
            sandbox = kvm.get();
        } else {
            Map<Language, CodeSandbox> byLanguage = new EnumMap<>(Language.class);
            if (choice.backends().contains(Backend.GRAALJS)) {
                byLanguage.put(Language.JAVASCRIPT, graalJs.get());
            }
            if (choice.backends().contains(Backend.GRAALPY)) {
                byLanguage.put(Language.PYTHON, graalPy.get());
            }
            sandbox = byLanguage.size() == 1 ? byLanguage.values().iterator().next()
                    : new LanguageRoutingSandbox(language, byLanguage);
        }
        Selection selection = new Selection(sandbox, choice.reason());
        LOG.info("CodeAct sandbox backend: " + selection.sandbox().backend() + " (" + selection.reason() + ")");
        return selection;
    }

    /** {@link #choose(Requested, Language, KvmAvailability, InProcess)} for JavaScript, GraalJS as the only in-process one. */
    public static Choice choose(Requested requested, KvmAvailability availability, boolean graalJsPresent) {
        return choose(requested, Language.JAVASCRIPT, availability, new InProcess(graalJsPresent, false));
    }

    /**
     * Which backends to use: {@code auto} takes KVM when it is usable and otherwise the in-process backend of each
     * language there is one for, the configured language's at least.
     *
     * @throws InvalidPropertyException when the requested backend cannot run here, or nothing runs the configured
     *     language, saying why and what to do
     */
    public static Choice choose(Requested requested, Language language, KvmAvailability availability, InProcess inProcess) {
        return switch (requested) {
            case KVM -> {
                if (!availability.usable()) {
                    throw new InvalidPropertyException("codeact.sandbox.backend", "kvm", "KVM cannot be used here: "
                            + availability.reason(), "Run the application where /dev/kvm is usable (a Linux host or VM"
                            + " with KVM, or a container given --device /dev/kvm), or set codeact.sandbox.backend=auto or"
                            + " graaljs and add codeact-spring-boot-starter-graaljs.");
                }
                yield new Choice(Backend.KVM, "configured: kvm (" + availability.reason() + ")");
            }
            case GRAALJS -> {
                if (!inProcess.graalJs()) {
                    throw new InvalidPropertyException("codeact.sandbox.backend", "graaljs",
                            "GraalJS is not on the classpath", "Add dev.codeact:codeact-spring-boot-starter-graaljs"
                            + " (it brings org.graalvm.polyglot:polyglot and js), or set codeact.sandbox.backend=auto.");
                }
                if (language == Language.PYTHON) {
                    throw new InvalidPropertyException("codeact.sandbox.backend", "graaljs", "GraalJS runs JavaScript"
                            + " only, and codeact.language is python", "Set codeact.sandbox.backend=auto (KVM, or GraalPy"
                            + " with " + GRAALPY_STARTER + " where there is no KVM), or codeact.language=javascript.");
                }
                yield new Choice(Backend.GRAALJS, "configured: graaljs (in-process, weaker isolation than kvm)");
            }
            case AUTO -> {
                if (availability.usable()) {
                    yield new Choice(Backend.KVM, "auto: " + availability.reason());
                }
                yield inProcess(language, availability, inProcess);
            }
        };
    }

    private static Choice inProcess(Language language, KvmAvailability availability, InProcess inProcess) {
        boolean python = language == Language.PYTHON;
        Backend primary = python ? Backend.GRAALPY : Backend.GRAALJS;
        if (!(python ? inProcess.graalPy() : inProcess.graalJs())) {
            throw python
                    ? new InvalidPropertyException("codeact.sandbox.backend", "auto", "no sandbox backend can run python"
                            + " here: KVM is unavailable (" + availability.reason() + ") and GraalPy is not on the classpath",
                            "Run the application where /dev/kvm is usable, or add " + GRAALPY_STARTER
                            + " for an in-process fallback.")
                    : new InvalidPropertyException("codeact.sandbox.backend", "auto", "no sandbox backend can run"
                            + " here: KVM is unavailable (" + availability.reason() + ") and GraalJS is not on the classpath",
                            "Run the application where /dev/kvm is usable, or add"
                            + " dev.codeact:codeact-spring-boot-starter-graaljs for an in-process fallback.");
        }
        Set<Backend> backends = new LinkedHashSet<>();
        backends.add(primary);
        String reason = "auto: KVM unavailable (" + availability.reason() + "), using " + name(primary)
                + " (in-process, weaker isolation)";
        Backend other = python ? Backend.GRAALJS : Backend.GRAALPY;
        if (python ? inProcess.graalJs() : inProcess.graalPy()) {
            backends.add(other);
            reason += ", and " + name(other) + " for " + (python ? Language.JAVASCRIPT : Language.PYTHON) + " programs";
        }
        return new Choice(primary, reason, backends);
    }

    private static String name(Backend backend) {
        return backend.name().toLowerCase(java.util.Locale.ROOT);
    }
}
