package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalPyCodeSandbox;

/** Kept apart so that GraalPy classes load only when GraalPy is on the classpath and chosen. */
final class GraalPyBackend {
    private GraalPyBackend() {
    }

    static CodeSandbox create() {
        return GraalPyCodeSandbox.create();
    }
}
