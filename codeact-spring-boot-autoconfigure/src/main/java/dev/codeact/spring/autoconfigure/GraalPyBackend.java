package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.sandbox.CodeSandbox;
import java.util.function.Supplier;

/**
 * The GraalPy backend as {@link GraalPyBackendConfiguration} offers it: how to build it (only when it is selected),
 * for the selector's GraalPy supplier. Absent where GraalPy is not on the classpath.
 *
 * @param sandbox builds a {@link dev.codeact.spring.sandbox.graal.GraalPyCodeSandbox} (seconds: its engine's first boot)
 */
record GraalPyBackend(Supplier<CodeSandbox> sandbox) {
}
