package dev.codeact.spring.policy.fs;

import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.spring.sandbox.CodeSandbox;

/** The program-facing fs in the in-process GraalJS backend. */
class GraalJsFsProgramTest extends FsProgramContract {
    @Override
    CodeSandbox sandbox() {
        return TestSandboxes.graalJs();
    }
}
