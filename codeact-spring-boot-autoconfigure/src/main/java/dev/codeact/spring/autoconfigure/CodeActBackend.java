package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Backend;
import java.util.function.Supplier;

/**
 * A sandbox backend a backend configuration offers: which one, and how to build it (only when it is selected).
 *
 * @param backend the backend
 * @param sandbox builds it
 */
record CodeActBackend(Backend backend, Supplier<CodeSandbox> sandbox) {
}
