package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;

/** Kept apart so that GraalJS classes load only when GraalJS is on the classpath and chosen. */
final class GraalJsBackend {
    private GraalJsBackend() {
    }

    static CodeSandbox create() {
        return GraalJsCodeSandbox.create();
    }
}
