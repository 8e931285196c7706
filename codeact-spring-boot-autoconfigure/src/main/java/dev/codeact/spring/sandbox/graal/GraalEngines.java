package dev.codeact.spring.sandbox.graal;

import java.io.OutputStream;
import java.util.function.Function;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;

/** What the in-process engines (GraalJS, GraalPy) share: one sandboxed, silent {@link Engine} per language. */
final class GraalEngines {
    /** Where an engine's and its contexts' own output goes: programs write through the natives, never here. */
    static final OutputStream DISCARD = OutputStream.nullOutputStream();

    static {
        // On JDK 17 Truffle cannot attach its native helper library; it works without it, but says so on stderr.
        if (System.getProperty("polyglotimpl.AttachLibraryFailureAction") == null) {
            System.setProperty("polyglotimpl.AttachLibraryFailureAction", "ignore");
        }
    }

    private GraalEngines() {
    }

    /** A {@link SandboxPolicy#CONSTRAINED} engine for {@code language}, given to {@code wrap}; closed if that fails. */
    static <T> T start(String language, Function<Engine, T> wrap) {
        Engine engine = Engine.newBuilder(language)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(DISCARD)
                .err(DISCARD)
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        try {
            return wrap.apply(engine);
        } catch (RuntimeException e) {
            engine.close(true);
            throw e;
        }
    }
}
