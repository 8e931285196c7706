package dev.codeact.spring.sandbox;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One sandbox over one backend per language, where no single backend runs them all (in-process: GraalJS for
 * JavaScript, GraalPy for Python): each program goes to its language's. It is named after the configured language's
 * backend.
 */
public final class LanguageRoutingSandbox implements CodeSandbox {
    private final Language primary;
    private final Map<Language, CodeSandbox> byLanguage;

    /**
     * @param primary the configured language, whose backend names this sandbox
     * @param byLanguage a sandbox per language it runs, each running that language; closed with this one
     */
    public LanguageRoutingSandbox(Language primary, Map<Language, CodeSandbox> byLanguage) {
        if (!byLanguage.containsKey(primary)) {
            throw new IllegalArgumentException("no sandbox for the configured language " + primary);
        }
        byLanguage.forEach((language, sandbox) -> {
            if (!sandbox.languages().contains(language)) {
                throw new IllegalArgumentException("the " + sandbox.backend() + " sandbox does not run " + language);
            }
        });
        this.primary = primary;
        this.byLanguage = new EnumMap<>(byLanguage);
    }

    @Override
    public String backend() {
        return byLanguage.get(primary).backend();
    }

    /** The backend that runs programs in {@code language}. */
    public CodeSandbox sandbox(Language language) {
        CodeSandbox sandbox = byLanguage.get(language);
        if (sandbox == null) {
            throw CodeSandbox.unsupported(this, language);
        }
        return sandbox;
    }

    @Override
    public Set<Language> languages() {
        return Set.copyOf(byLanguage.keySet());
    }

    @Override
    public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
        return sandbox(language).execute(language, code, functions, limits);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (CodeSandbox sandbox : byLanguage.values()) {
            try {
                sandbox.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
