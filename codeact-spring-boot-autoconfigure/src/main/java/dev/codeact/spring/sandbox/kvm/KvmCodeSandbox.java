package dev.codeact.spring.sandbox.kvm;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostCallAnswer;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStep;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Programs run in KVM micro-VMs, a {@link SandboxPool} per language (the QuickJS guest for JavaScript, the CPython
 * guest for Python): hardware isolation, a fresh VM state per call. The configured language's pool is booted when
 * the sandbox is made; another language's pool on its first program (once, whichever thread asks first; the others
 * wait for it), so an application that never runs Python never boots its guest. Every pool closes with the sandbox.
 */
public final class KvmCodeSandbox implements CodeSandbox {
    public static final String NAME = "kvm";
    private final Language primary;
    private final Function<GuestImage, SandboxPool> boot;
    private final AtomicReferenceArray<SandboxPool> pools = new AtomicReferenceArray<>(Language.values().length);
    private final CopyOnWriteArrayList<BiConsumer<Language, SandboxPool>> poolListeners = new CopyOnWriteArrayList<>();
    private boolean closed; // guarded by this

    /** JavaScript only, over a pool the caller booted (it closes with the sandbox). */
    public KvmCodeSandbox(SandboxPool javascript) {
        this.primary = Language.JAVASCRIPT;
        this.boot = null;
        pools.set(primary.ordinal(), javascript);
    }

    /**
     * Every language, each over a pool {@code boot} makes for the language's guest image.
     *
     * @param primary the language whose pool is booted now
     * @param boot makes a booted pool of the given guest image (the pool settings apply to each pool)
     */
    public KvmCodeSandbox(Language primary, Function<GuestImage, SandboxPool> boot) {
        this.primary = primary;
        this.boot = boot;
        pools.set(primary.ordinal(), boot.apply(image(primary)));
    }

    /** The guest image programs in {@code language} run on. */
    public static GuestImage image(Language language) {
        return switch (language) {
            case JAVASCRIPT -> GuestImage.quickJs();
            case PYTHON -> GuestImage.python();
        };
    }

    @Override
    public String backend() {
        return NAME;
    }

    @Override
    public Set<Language> languages() {
        return boot == null ? Set.of(primary) : Set.of(Language.values());
    }

    @Override
    public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
        return poolFor(supported(language)).execute(code, functions, limits);
    }

    @Override
    public boolean keepsSessions() {
        return true;
    }

    @Override
    public SessionState newSession(Language language) {
        return poolFor(supported(language)).newSession();
    }

    @Override
    public SessionStep executeInSession(Language language, SessionState state, String code, HostFunctions functions,
            ExecutionLimits limits, long maxStateBytes) {
        return poolFor(supported(language)).executeInSession(state, code, functions, limits, maxStateBytes);
    }

    @Override
    public void checkState(Language language, SessionState state, long maxStateBytes) {
        state.checkFits(newSession(language), maxStateBytes);
    }

    @Override
    public SessionStep resume(Language language, SessionState state, HostCallAnswer answer, HostFunctions functions,
            ExecutionLimits limits, long maxStateBytes) {
        return poolFor(supported(language)).resume(state, answer, functions, limits, maxStateBytes);
    }

    private Language supported(Language language) {
        if (!languages().contains(language)) {
            throw CodeSandbox.unsupported(this, language);
        }
        return language;
    }

    /** The pool of the language booted at start-up. */
    public SandboxPool pool() {
        return pools.get(primary.ordinal());
    }

    /** The pools booted so far, by language. */
    public Map<Language, SandboxPool> pools() {
        Map<Language, SandboxPool> booted = new EnumMap<>(Language.class);
        for (Language language : Language.values()) {
            SandboxPool pool = pools.get(language.ordinal());
            if (pool != null) {
                booted.put(language, pool);
            }
        }
        return booted;
    }

    /**
     * Calls {@code listener} with each pool booted so far and then with each pool booted later (metrics follow the
     * pools so).
     */
    public void onPool(BiConsumer<Language, SandboxPool> listener) {
        synchronized (this) {
            pools().forEach(listener);
            poolListeners.add(listener);
        }
    }

    private SandboxPool poolFor(Language language) {
        SandboxPool pool = pools.get(language.ordinal());
        return pool != null ? pool : bootPool(language);
    }

    private synchronized SandboxPool bootPool(Language language) {
        if (closed) {
            throw new IllegalStateException("the kvm sandbox is closed");
        }
        SandboxPool pool = pools.get(language.ordinal());
        if (pool == null) {
            pool = boot.apply(image(language));
            pools.set(language.ordinal(), pool);
            for (BiConsumer<Language, SandboxPool> listener : poolListeners) {
                listener.accept(language, pool);
            }
        }
        return pool;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (int i = 0; i < pools.length(); i++) {
            SandboxPool pool = pools.getAndSet(i, null);
            if (pool != null) {
                pool.close();
            }
        }
    }
}
