package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.sandbox.graal.GraalPyCodeSandbox;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The GraalPy backend, in-process, offered where GraalPy is on the classpath (codeact-spring-boot-starter-graalpy):
 * the selector builds it only when it chooses it for Python programs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {SandboxBackendCondition.GRAALJS_CLASS, GraalPyBackendConfiguration.GRAALPY_CLASS})
class GraalPyBackendConfiguration {
    /** GraalPy's Truffle language: present only with GraalPy itself. */
    static final String GRAALPY_CLASS = "com.oracle.graal.python.PythonLanguage";

    @Bean
    GraalPyBackend codeActGraalPyBackend() {
        // a method reference: GraalPyCodeSandbox is loaded when the selector builds it, not when this configuration is read
        return new GraalPyBackend(GraalPyCodeSandbox::create);
    }
}
