package dev.codeact.spring.policy.fs;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The program-facing fs in the in-process GraalJS backend. */
class GraalJsFsProgramTest extends FsProgramContract {
    private static GraalJsCodeSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = GraalJsCodeSandbox.create();
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Override
    CodeSandbox sandbox() {
        return sandbox;
    }
}
