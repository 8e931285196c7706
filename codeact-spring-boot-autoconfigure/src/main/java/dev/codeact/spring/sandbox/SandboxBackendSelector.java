package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.config.InvalidPropertyException;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Chooses the sandbox backend: {@code auto} takes KVM when /dev/kvm is usable and GraalJS otherwise; an
 * explicit choice that cannot be honoured fails with the reason. The choice and why are logged, and kept
 * for diagnostics.
 */
public final class SandboxBackendSelector {
    private static final Log LOG = LogFactory.getLog(SandboxBackendSelector.class);

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
    public enum Backend { KVM, GRAALJS }

    /**
     * The decision alone, before any backend is built: what the backend configurations' conditions ask, so that the
     * conditions report shows the choice and its reason.
     *
     * @param backend the backend chosen
     * @param reason why
     */
    public record Choice(Backend backend, String reason) {
    }

    /**
     * @param kvm builds the KVM backend
     * @param graalJs builds the GraalJS backend, or null when GraalJS is not on the classpath
     */
    public static Selection select(Requested requested, KvmAvailability availability, Supplier<CodeSandbox> kvm,
            Supplier<CodeSandbox> graalJs) {
        Choice choice = choose(requested, availability, graalJs != null);
        Selection selection = new Selection(choice.backend() == Backend.KVM ? kvm.get() : graalJs.get(), choice.reason());
        LOG.info("CodeAct sandbox backend: " + selection.sandbox().backend() + " (" + selection.reason() + ")");
        return selection;
    }

    /**
     * Which backend to use: {@code auto} takes KVM when it is usable and GraalJS otherwise.
     *
     * @param graalJsPresent whether GraalJS is on the classpath
     * @throws InvalidPropertyException when the requested backend cannot run here, saying why and what to do
     */
    public static Choice choose(Requested requested, KvmAvailability availability, boolean graalJsPresent) {
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
                if (!graalJsPresent) {
                    throw new InvalidPropertyException("codeact.sandbox.backend", "graaljs",
                            "GraalJS is not on the classpath", "Add dev.codeact:codeact-spring-boot-starter-graaljs"
                            + " (it brings org.graalvm.polyglot:polyglot and js), or set codeact.sandbox.backend=auto.");
                }
                yield new Choice(Backend.GRAALJS, "configured: graaljs (in-process, weaker isolation than kvm)");
            }
            case AUTO -> {
                if (availability.usable()) {
                    yield new Choice(Backend.KVM, "auto: " + availability.reason());
                }
                if (!graalJsPresent) {
                    throw new InvalidPropertyException("codeact.sandbox.backend", "auto", "no sandbox backend can run"
                            + " here: KVM is unavailable (" + availability.reason() + ") and GraalJS is not on the classpath",
                            "Run the application where /dev/kvm is usable, or add"
                            + " dev.codeact:codeact-spring-boot-starter-graaljs for an in-process fallback.");
                }
                yield new Choice(Backend.GRAALJS, "auto: KVM unavailable (" + availability.reason()
                        + "), using graaljs (in-process, weaker isolation)");
            }
        };
    }
}
