package dev.codeact.spring.sandbox.graal;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.util.function.Function;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.io.IOAccess;

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

    /**
     * A context of {@code engine} with nothing of the host: {@link SandboxPolicy#CONSTRAINED}, {@link
     * HostAccess#CONSTRAINED}, no polyglot access, threads, native access, processes, environment or inner options;
     * no standard streams; UTC; the file system {@code io} gives. The caller adds its language's options and builds it.
     */
    static Context.Builder lockedDownContext(String language, Engine engine, IOAccess io) {
        return Context.newBuilder(language)
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .allowHostAccess(HostAccess.CONSTRAINED)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowIO(io)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowInnerContextOptions(false)
                .in(InputStream.nullInputStream())
                .out(DISCARD)
                .err(DISCARD)
                .timeZone(ZoneOffset.UTC);
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
