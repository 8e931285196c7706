package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With this starter GraalPy is on the classpath and the GraalPy backend is offered (built only when selected). */
class GraalPyBackendConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(GraalPyBackendConfiguration.class);

    @Test
    void graalPyIsOffered() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(GraalPyBackend.class));
    }

    @Test
    void withoutGraalPyNothingIsOffered() {
        runner.withClassLoader(new FilteredClassLoader("com.oracle.graal.python"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(GraalPyBackend.class));
    }
}
