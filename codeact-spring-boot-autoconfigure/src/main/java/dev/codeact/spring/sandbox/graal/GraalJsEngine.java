package dev.codeact.spring.sandbox.graal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;

/**
 * The shared GraalJS {@link Engine} (so parsed code, runtime.js included, is shared), the sources every execution
 * evaluates, and the locked-down {@link Context} each execution gets.
 */
final class GraalJsEngine implements AutoCloseable {
    /** Node's default locale under LANG=C.UTF-8, and the guest's; the JVM's default would be the host's. */
    private static final String DEFAULT_LOCALE = "en-US";
    /** The name runtime.js is evaluated under, and the producer of the outcomes it encodes. */
    static final String RUNTIME_NAME = "runtime.js";
    private static final String PROGRAM_PREFIX = "(async function () {";
    private static final String PROGRAM_SUFFIX = "\n})";
    /**
     * Calls the compiled program and records how its promise settles. Promise.prototype.then and Reflect.apply
     * are captured before the program runs, so that it cannot tamper with them; GraalJS drains the promise
     * jobs when the call returns to Java, after which the state is final ({@code settled}: 0 pending, 1
     * fulfilled, 2 rejected).
     */
    private static final String RUNNER = """
            (function () {
              'use strict';
              const apply = Reflect.apply, then = Promise.prototype.then;
              return function run(program) {
                const state = { settled: 0, value: undefined };
                let promise;
                try {
                  promise = apply(program, undefined, []);
                } catch (e) {
                  state.settled = 2;
                  state.value = e;
                  return state;
                }
                apply(then, promise, [(v) => { state.settled = 1; state.value = v; },
                                      (e) => { state.settled = 2; state.value = e; }]);
                return state;
              };
            })()""";
    private final Engine engine;
    /** runtime.js: installs the program-facing API over the {@code native} object. */
    final Source runtime;
    /** {@link #RUNNER}, evaluated as {@code runner.js}. */
    final Source runner;

    private GraalJsEngine(Engine engine) {
        this.engine = engine;
        this.runtime = Source.newBuilder("js", readRuntime(), RUNTIME_NAME).cached(true).buildLiteral();
        this.runner = Source.newBuilder("js", RUNNER, "runner.js").cached(true).buildLiteral();
    }

    static GraalJsEngine start() {
        return GraalEngines.start("js", GraalJsEngine::new);
    }

    /** The program as the body of an async function, evaluated as {@code program.js}. */
    static Source program(String code) {
        return Source.newBuilder("js", PROGRAM_PREFIX + code + PROGRAM_SUFFIX, "program.js").cached(false).buildLiteral();
    }

    /**
     * A fresh context with {@link SandboxPolicy#CONSTRAINED} and {@link HostAccess#CONSTRAINED}: no IO, threads,
     * native access, processes, environment or polyglot access; no {@code load}, {@code print}, {@code Graal} or
     * {@code console} builtins (runtime.js installs its own {@code console}); UTC and en-US as in the guest.
     *
     * @throws IllegalStateException when the engine is closed
     */
    Context newContext() {
        return GraalEngines.lockedDownContext("js", engine, IOAccess.NONE)
                .option("js.locale", DEFAULT_LOCALE)
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.console", "false")
                .option("js.graal-builtin", "false")
                .build();
    }

    /** Closes the engine; contexts still running are cancelled. */
    @Override
    public void close() {
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            // already closed, or a context could not be cancelled: nothing more to do
        }
    }

    static void closeQuietly(Context context) {
        try {
            context.close(true);
        } catch (RuntimeException e) {
            // a context that hit a limit, or was closed by the other side, may refuse a second close
        }
    }

    private static String readRuntime() {
        String resource = GraalJsCodeSandbox.RUNTIME_RESOURCE;
        try (InputStream in = GraalJsEngine.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource
                        + " is missing; it comes with the hyperlight-jna jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }
}
