package dev.codeact.spring.sandbox.graal;

import java.util.Map;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The Java side of a booted context's {@code _codeact} module (the functions the KVM guest's runtime.c defines in
 * C): console writes, host calls and the program's source, for the one execution the context is handed to. The
 * context is booted before that execution exists, so the execution is bound later ({@link #bind}); until then a
 * write goes nowhere and a host call fails. The only objects the program can reach that are not its own.
 */
final class GraalPyNatives {
    private volatile GraalRun run;
    private volatile String source = "";

    /** Hands the context to the execution of {@code code} (once: a context runs one program). */
    void bind(GraalRun run, String code) {
        this.source = code;
        this.run = run;
    }

    ProxyObject object() {
        return ProxyObject.fromMap(Map.of(
                "write", (ProxyExecutable) args -> {
                    GraalRun r = run;
                    return r == null ? null : r.write(args);
                },
                "host_call", (ProxyExecutable) args -> {
                    GraalRun r = run;
                    return r == null ? ProxyArray.fromArray(false, "no execution is running") : r.hostCallFromGuest(args);
                },
                "source", (ProxyExecutable) args -> source));
    }
}
