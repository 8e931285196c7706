package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.sandbox.CodeSandbox;
import java.lang.reflect.InvocationTargetException;

/**
 * Kept apart so that GraalPy classes load only when GraalPy is on the classpath and chosen. The sandbox is named, not
 * linked: it comes with the GraalPy backend ({@code dev.codeact.spring.sandbox.graal.GraalPyCodeSandbox}, built on its
 * own branch); once both are in one tree this is a direct call, as {@link GraalJsBackend} makes.
 */
final class GraalPyBackend {
    static final String SANDBOX_CLASS = "dev.codeact.spring.sandbox.graal.GraalPyCodeSandbox";

    private GraalPyBackend() {
    }

    static CodeSandbox create() {
        try {
            return (CodeSandbox) Class.forName(SANDBOX_CLASS).getMethod("create").invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("GraalPy is on the classpath but " + SANDBOX_CLASS + " is not", e);
        }
    }
}
